using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Plugins.Mcp.Tests.Hosting;
using ServerlessDiscovery.Plugins.Mcp.TestServer;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

/// <summary>Discovery against a real MCP server over Streamable HTTP, hosted in this process on loopback.</summary>
public sealed class McpHttpDiscoveryTests
{
    private const string Secret = "Bearer hdr-SECRET-91f2c7";
    private const int ItemsPerKind = 12;

    private static JsonObject Config(Uri endpoint, string transport = "auto", int timeoutSeconds = 30) => new()
    {
        ["transport"] = transport,
        ["url"] = endpoint.ToString(),
        ["headers"] = new JsonObject { ["Authorization"] = Secret },
        ["timeout_seconds"] = (long)timeoutSeconds,
    };

    /// <summary>null: the client's preferred (newest) revision; 2025-11-25: a server that only speaks the initialize handshake.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Discover_ServerWithEveryKind_ReportsAllItemsAcrossPagesWithEdgesAndCompletedScopes(string? serverProtocol)
    {
        TestCatalogue catalogue = TestCatalogue.Numbered("http-test-server", ItemsPerKind) with { ProtocolVersion = serverProtocol };
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(catalogue);

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(server.Endpoint));

        Assert.Empty(sink.FailedScopes);
        string serverId = $"http://127.0.0.1:{server.Endpoint.Port}/mcp";
        DiscoveredAsset mcpServer = sink.Single(AssetTypes.McpServer, serverId);
        Assert.Equal("http-test-server", mcpServer.Name);
        Assert.Equal("1.2.3", mcpServer.Attributes["version"]!.GetValue<string>());
        Assert.Equal(serverProtocol ?? "2026-07-28", mcpServer.Attributes["protocol_version"]!.GetValue<string>());
        Assert.Equal(serverId, mcpServer.Attributes["endpoint"]!.GetValue<string>());
        Assert.Equal("auto", mcpServer.Attributes["transport"]!.GetValue<string>());

        Assert.Equal(ItemsPerKind, sink.Assets.Count(a => a.Type == AssetTypes.McpTool));
        Assert.Equal(ItemsPerKind, sink.Assets.Count(a => a.Type == AssetTypes.McpResource));
        Assert.Equal(ItemsPerKind, sink.Assets.Count(a => a.Type == AssetTypes.McpResourceTemplate));
        Assert.Equal(ItemsPerKind, sink.Assets.Count(a => a.Type == AssetTypes.McpPrompt));
        // 12 items in pages of 5: three list calls per kind, so the cursors were followed.
        Assert.Equal(3, catalogue.ToolListCalls);
        Assert.Equal(3, catalogue.ResourceListCalls);
        Assert.Equal(3, catalogue.TemplateListCalls);
        Assert.Equal(3, catalogue.PromptListCalls);

        DiscoveredAsset tool = sink.Single(AssetTypes.McpTool, $"{serverId}#tool:tool_02");
        Assert.Equal("tool_02", tool.Name);
        Assert.Equal("string", tool.Attributes["input_schema"]!["properties"]!["query"]!["type"]!.GetValue<string>());
        Assert.True(tool.Attributes["annotations"]!["read_only_hint"]!.GetValue<bool>());
        Assert.False(tool.Attributes["annotations"]!["destructive_hint"]!.GetValue<bool>());

        DiscoveredAsset resource = sink.Single(AssetTypes.McpResource, $"{serverId}#resource:file:///data/doc-07.md");
        Assert.Equal("text/markdown", resource.Attributes["mime_type"]!.GetValue<string>());
        Assert.Equal("file:///data/doc-07.md", resource.Attributes["uri"]!.GetValue<string>());

        DiscoveredAsset template = sink.Single(AssetTypes.McpResourceTemplate, $"{serverId}#resource_template:db://table-12/{{id}}");
        Assert.Equal("db://table-12/{id}", template.Attributes["uri_template"]!.GetValue<string>());

        DiscoveredAsset prompt = sink.Single(AssetTypes.McpPrompt, $"{serverId}#prompt:prompt_11");
        JsonArray arguments = prompt.Attributes["arguments"]!.AsArray();
        Assert.Equal(["topic", "tone"], arguments.Select(a => a!["name"]!.GetValue<string>()));
        Assert.True(arguments[0]!["required"]!.GetValue<bool>());

        Assert.Equal(4 * ItemsPerKind, sink.Edges.Count);
        Assert.All(sink.Edges, e =>
        {
            Assert.Equal(AssetTypes.McpServer, e.SourceType);
            Assert.Equal(serverId, e.SourceId);
            Assert.Equal(Relationships.Contains, e.Relationship);
            Assert.Contains(sink.Assets, a => a.Type == e.TargetType && a.Id == e.TargetId && a.Scope == e.Scope);
        });
        Assert.Equal(5, sink.CompletedScopes.Count());
        Assert.All(sink.Assets, a => Assert.Contains(a.Scope, sink.CompletedScopes));
    }

    [Fact]
    public async Task Discover_HeadersConfigured_SendsThemButNeverReportsOrLogsTheirValues()
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("http-test-server", 2));
        var logs = new CapturingLoggerFactory();

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(server.Endpoint), logs);

        Assert.Empty(sink.FailedScopes);
        Assert.NotEmpty(server.RequestHeaders);
        Assert.All(server.RequestHeaders, h => Assert.Equal(Secret, h["Authorization"]));
        Assert.DoesNotContain("hdr-SECRET", McpTestPlugin.Everything(sink), StringComparison.Ordinal);
        Assert.DoesNotContain("hdr-SECRET", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_ServerWithoutPrompts_CompletesPromptScopeEmpty()
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("no-prompts", 2, withPrompts: false));

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(server.Endpoint));

        Assert.Empty(sink.FailedScopes);
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.McpPrompt);
        Assert.Contains(sink.CompletedScopes, s => s.EndsWith(":prompts", StringComparison.Ordinal));
        Assert.Equal(0, server.Catalogue.PromptListCalls);
    }

    [Fact]
    public async Task Discover_TwoSeparateRunsAgainstRestartedServer_ProduceIdenticalIds()
    {
        int port;
        List<string> first;
        await using (StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("http-test-server", 7)))
        {
            port = server.Endpoint.Port;
            first = Ids(await McpTestPlugin.DiscoverAsync(Config(server.Endpoint)));
        }

        await using StreamableHttpTestServer restarted = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("http-test-server", 7), port: port);
        // Same server spelled differently: upper-case host part and a trailing slash normalise to the same identity.
        var spelledDifferently = new Uri($"HTTP://127.0.0.1:{port}/mcp/");
        List<string> second = Ids(await McpTestPlugin.DiscoverAsync(Config(spelledDifferently)));

        Assert.Equal(1 + (4 * 7), first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Discover_ServerGoneAfterFirstScan_ReportsEveryScopeFailedWithoutThrowing()
    {
        Uri endpoint;
        await using (StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("http-test-server", 2)))
        {
            endpoint = server.Endpoint;
            Assert.Empty((await McpTestPlugin.DiscoverAsync(Config(endpoint))).FailedScopes);
        }

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(endpoint));

        Assert.Empty(sink.Assets);
        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(5, sink.FailedScopes.Count());
        Assert.All(sink.FailedScopes, s => Assert.StartsWith("MCP server http://127.0.0.1:", s.Value, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ServerBehaviour.Unauthorized, "streamable_http")]
    [InlineData(ServerBehaviour.Unauthorized, "auto")]
    [InlineData(ServerBehaviour.Garbage, "streamable_http")]
    [InlineData(ServerBehaviour.Hang, "streamable_http")]
    public async Task Discover_ServerRefusingOrBroken_ReportsFailedScopesWithoutSecrets(ServerBehaviour behaviour, string transport)
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("broken", 2), behaviour);
        var logs = new CapturingLoggerFactory();

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(server.Endpoint, transport, timeoutSeconds: 2), logs);

        Assert.Empty(sink.Assets);
        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(5, sink.FailedScopes.Count());
        Assert.DoesNotContain("hdr-SECRET", McpTestPlugin.Everything(sink), StringComparison.Ordinal);
        Assert.DoesNotContain("hdr-SECRET", logs.Text, StringComparison.Ordinal);
        if (behaviour == ServerBehaviour.Hang)
        {
            Assert.All(sink.FailedScopes, s => Assert.Contains("within 2 s", s.Value, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2025-11-25")]
    public async Task Verify_LiveServer_Succeeds(string? serverProtocol)
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("http-test-server", 1) with { ProtocolVersion = serverProtocol });

        VerifyResult result = await McpTestPlugin.VerifyAsync(Config(server.Endpoint, "streamable_http"));

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Verify_ServerRefusing_FailsWithoutSecrets()
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("broken", 1), ServerBehaviour.Unauthorized);

        VerifyResult result = await McpTestPlugin.VerifyAsync(Config(server.Endpoint, "streamable_http", timeoutSeconds: 5));

        Assert.False(result.Success);
        Assert.Contains(server.Endpoint.Authority, result.Error!, StringComparison.Ordinal);
        Assert.DoesNotContain("hdr-SECRET", result.Error!, StringComparison.Ordinal);
    }

    private static List<string> Ids(RecordingSink sink) => [.. sink.Assets.Select(a => $"{a.Type}|{a.Id}").Order(StringComparer.Ordinal)];
}

using System.Reflection;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

/// <summary>Discovery against a real MCP server over stdio: the TestServer project, run as `dotnet its.dll`.</summary>
public sealed class McpStdioDiscoveryTests
{
    private const string EnvironmentSecret = "env-SECRET-4d0e1b";

    static McpStdioDiscoveryTests()
    {
        // Hosts opt in to stdio servers; and a variable only the host has must not reach the server process.
        Environment.SetEnvironmentVariable("MCP_STDIO_ENABLED", "true");
        Environment.SetEnvironmentVariable("MCP_TEST_HOST_ONLY", "host-value");
    }

    private static string ServerDll
    {
        get
        {
            string path = Path.GetFullPath(typeof(McpStdioDiscoveryTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "McpTestServerDll").Value!);
            Assert.True(File.Exists(path), $"The stdio test server was not built at {path}.");
            return path;
        }
    }

    private static JsonObject Config(string dll) => new()
    {
        ["transport"] = "stdio",
        ["command"] = "dotnet",
        ["arguments"] = new JsonArray(dll),
        ["environment"] = new JsonObject { ["MCP_TEST_TOKEN"] = EnvironmentSecret },
        ["timeout_seconds"] = 60L,
    };

    [Fact]
    public async Task Discover_StdioServer_ReportsItemsAcrossPagesAndEmptyPromptScope()
    {
        string dll = ServerDll;
        var logs = new CapturingLoggerFactory();

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(dll), logs);

        Assert.Empty(sink.FailedScopes);
        string serverId = $"stdio:dotnet {dll}";
        DiscoveredAsset server = sink.Single(AssetTypes.McpServer, serverId);
        Assert.Equal("stdio-test-server", server.Name);
        Assert.Equal("stdio", server.Attributes["transport"]!.GetValue<string>());
        Assert.False(server.Attributes["capabilities"]!["prompts"]!.GetValue<bool>());
        // Three numbered tools in pages of two, plus the one saying the configured environment arrived.
        Assert.Equal(
            ["environment_received", "tool_01", "tool_02", "tool_03"],
            sink.Assets.Where(a => a.Type == AssetTypes.McpTool).Select(a => a.Name).Order(StringComparer.Ordinal));
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.McpResource));
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.McpResourceTemplate));
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.McpPrompt);
        Assert.Contains($"mcp:{serverId}:prompts", sink.CompletedScopes);
        Assert.Equal(sink.Assets.Count - 1, sink.Edges.Count);
        Assert.DoesNotContain("env-SECRET", McpTestPlugin.Everything(sink), StringComparison.Ordinal);
        Assert.DoesNotContain("env-SECRET", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_StdioServer_DoesNotPassTheHostEnvironmentOn()
    {
        RecordingSink sink = await McpTestPlugin.DiscoverAsync(Config(ServerDll));

        Assert.Empty(sink.FailedScopes);
        Assert.DoesNotContain(sink.Assets, a => a.Name == "host_environment_leaked");
    }

    [Fact]
    public async Task Discover_TwoSeparateProcesses_ProduceIdenticalIds()
    {
        string dll = ServerDll;

        RecordingSink first = await McpTestPlugin.DiscoverAsync(Config(dll));
        RecordingSink second = await McpTestPlugin.DiscoverAsync(Config(dll));

        Assert.NotEmpty(first.Assets);
        Assert.Equal(Ids(first), Ids(second));
    }

    [Fact]
    public async Task Discover_ServerProcessThatExits_ReportsFailedScopesWithoutSecrets()
    {
        JsonObject config = Config(Path.Combine(Path.GetTempPath(), "no-such-mcp-server.dll"));
        config["timeout_seconds"] = 30L;
        var logs = new CapturingLoggerFactory();

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(config, logs);

        Assert.Empty(sink.Assets);
        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(5, sink.FailedScopes.Count());
        Assert.DoesNotContain("env-SECRET", McpTestPlugin.Everything(sink), StringComparison.Ordinal);
        Assert.DoesNotContain("env-SECRET", logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_CommandThatDoesNotExist_ReportsFailedScopes()
    {
        JsonObject config = Config(ServerDll);
        config["command"] = "no-such-command-for-mcp-tests";

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(config);

        Assert.Empty(sink.Assets);
        Assert.Equal(5, sink.FailedScopes.Count());
    }

    [Fact]
    public async Task Verify_StdioServer_Succeeds()
    {
        VerifyResult result = await McpTestPlugin.VerifyAsync(Config(ServerDll));

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Discover_ServerWhoseFirstReplyOutlastsTheSdksDiscoverProbe_StillConnects()
    {
        // The SDK probes with server/discover and, after DiscoverProbeTimeout (5 s by default), falls back to initialize.
        // A stdio server is one session: having taken the probe, it has settled on the 2026-07-28 revision and refuses
        // that initialize ("Method 'initialize' is not available on protocol version '2026-07-28'"), which is how a
        // server slow to answer failed, and how these tests failed on a loaded machine. This one answers 6 s late.
        JsonObject config = Config(ServerDll);
        config["environment"]!["MCP_TEST_FIRST_REPLY_DELAY_MS"] = "6000";

        RecordingSink sink = await McpTestPlugin.DiscoverAsync(config);

        Assert.Empty(sink.FailedScopes);
        Assert.Equal("stdio-test-server", sink.Assets.Single(a => a.Type == AssetTypes.McpServer).Name);
    }

    [Fact]
    public async Task StdioServer_OfAnInstanceATenantKeyConfigured_IsRefusedWithoutRunningTheCommand()
    {
        string marker = Path.Combine(Path.GetTempPath(), $"mcp-stdio-{Guid.NewGuid():N}");
        JsonObject config = Config(ServerDll);
        config["command"] = "touch";
        config["arguments"] = new JsonArray(marker);

        VerifyResult verify = await McpTestPlugin.VerifyAsync(config, operatorOwned: false);
        RecordingSink sink = await McpTestPlugin.DiscoverAsync(config, operatorOwned: false);

        Assert.False(verify.Success);
        Assert.Contains("config.command", verify.Error, StringComparison.Ordinal);
        Assert.Contains("operator", verify.Error, StringComparison.Ordinal);
        Assert.Empty(sink.Assets);
        Assert.All(sink.FailedScopes, s => Assert.Contains("stdio", s.Value!, StringComparison.Ordinal));
        Assert.False(File.Exists(marker), "the command ran although the instance is a tenant's");
    }

    private static List<string> Ids(RecordingSink sink) => [.. sink.Assets.Select(a => $"{a.Type}|{a.Id}").Order(StringComparer.Ordinal)];
}

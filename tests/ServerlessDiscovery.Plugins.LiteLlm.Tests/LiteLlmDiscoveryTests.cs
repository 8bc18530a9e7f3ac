using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests;

/// <summary>Discovery against a loopback proxy answering with the shapes of LiteLLM's management and MCP REST endpoints.</summary>
public sealed class LiteLlmDiscoveryTests : IAsyncLifetime
{
    private const string ModelInfo = """
        {"data":[
          {"model_name":"gpt-4o","litellm_params":{"model":"azure/prod-gpt4o","api_base":"https://aoai.openai.azure.com","api_version":"2024-10-21","api_key":"sk-provider-secret","tpm":100000,"rpm":600},
           "model_info":{"id":"a1","base_model":"gpt-4o","litellm_provider":"azure","max_tokens":16384,"max_input_tokens":128000,"mode":"chat"}},
          {"model_name":"gpt-4o","litellm_params":{"model":"openai/gpt-4o","rpm":100},"model_info":{"id":"b2","litellm_provider":"openai","max_tokens":16384}},
          {"model_name":"claude","litellm_params":{"model":"anthropic/claude-sonnet-4-5"},"model_info":{"id":"c3"}}
        ]}
        """;

    private FakeProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FakeProxy.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private string Scope(string family) => $"litellm:{_proxy.Host}:{family}";

    [Fact]
    public async Task Discover_ModelInfo_ReportsAliasesWithTheirProviderModelsAndLimits()
    {
        _proxy.Json("/model/info", ModelInfo);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(Scope("models"), sink.CompletedScopes);
        DiscoveredAsset azure = sink.Single(AssetTypes.Deployment, $"{_proxy.Host}/model/a1");
        Assert.Equal("gpt-4o", azure.Name);
        Assert.Equal("azure/prod-gpt4o", azure.Attributes["litellm_model"]!.GetValue<string>());
        Assert.Equal(100000, azure.Attributes["tpm"]!.GetValue<int>());
        Assert.Equal(600, azure.Attributes["rpm"]!.GetValue<int>());
        Assert.Equal(128000, azure.Attributes["max_input_tokens"]!.GetValue<int>());
        sink.Single(AssetTypes.Model, "azure/gpt-4o");
        sink.Single(AssetTypes.Model, "openai/gpt-4o");
        sink.Single(AssetTypes.Model, "anthropic/claude-sonnet-4-5");
        Assert.Contains(sink.Edges, e => e.SourceId == $"{_proxy.Host}/model/b2" && e.Relationship == Relationships.Serves && e.TargetId == "openai/gpt-4o");
        Assert.DoesNotContain(sink.Assets, a => a.Attributes.ToJsonString().Contains("sk-provider-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_McpServersAndTools_ReportsServersAndTheirTools()
    {
        _proxy.Json("/v1/mcp/server", """
            [{"server_id":"srv-1","server_name":"github","alias":"gh","description":"GitHub","url":"https://api.githubcopilot.com/mcp","transport":"http","auth_type":"bearer_token","credentials":{"auth_value":"ghp-secret"}},
             {"server_id":"srv-2","server_name":"places","url":"https://places.example/mcp","transport":"sse"}]
            """);
        _proxy.Route("/mcp-rest/tools/list", context => FakeProxy.WriteAsync(context, 200, context.Request.Query["server_id"] == "srv-1"
            ? """{"tools":[{"name":"create_issue","description":"Create an issue","inputSchema":{"type":"object","properties":{"title":{"type":"string"}}},"mcp_info":{"server_name":"github"}},{"name":"search_code","inputSchema":{"type":"object"}}]}"""
            : """{"tools":[{"name":"getPlaces","description":"Find places"}]}"""));

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(Scope("mcp"), sink.CompletedScopes);
        string github = $"{_proxy.Host}/mcp/servers/srv-1";
        DiscoveredAsset server = sink.Single(AssetTypes.McpServer, github);
        Assert.Equal("github", server.Name);
        Assert.Equal("https://api.githubcopilot.com/mcp", server.Attributes["url"]!.GetValue<string>());
        Assert.DoesNotContain("ghp-secret", server.Attributes.ToJsonString(), StringComparison.Ordinal);
        DiscoveredAsset tool = sink.Single(AssetTypes.McpTool, github + "/tools/create_issue");
        Assert.Equal("object", tool.Attributes["input_schema"]!["type"]!.GetValue<string>());
        sink.Single(AssetTypes.McpTool, $"{_proxy.Host}/mcp/servers/srv-2/tools/getPlaces");
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.McpTool));
        Assert.Contains(sink.Edges, e => e.SourceId == github && e.Relationship == Relationships.Contains && e.TargetId == tool.Id);
    }

    /// <summary>
    /// LiteLLM proxy/_experimental/mcp_server/rest_endpoints.py, GET /mcp-rest/tools/list?server_id=: when listing an
    /// upstream server fails the route still answers 200 with {"tools": [], "error": ..., "message": ...}; a server_id
    /// unknown to the proxy (deleted between the two calls) is a 404.
    /// </summary>
    [Fact]
    public async Task Discover_OneMcpServerUnreachable_ReportsItsSiblingsAndMarksTheScopeIncomplete()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.Json("/v1/mcp/server", """[{"server_id":"srv-1","server_name":"github"},{"server_id":"srv-2","server_name":"places"},{"server_id":"srv-3","server_name":"gone"}]""");
        _proxy.Route("/mcp-rest/tools/list", context => context.Request.Query["server_id"].ToString() switch
        {
            "srv-1" => FakeProxy.WriteAsync(context, 200, """{"tools":[],"error":"server_error","message":"Failed to connect to MCP server github"}"""),
            "srv-3" => FakeProxy.WriteAsync(context, 404, """{"detail":"MCP server srv-3 not found"}"""),
            _ => FakeProxy.WriteAsync(context, 200, """{"tools":[{"name":"getPlaces"}]}"""),
        });
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = Create(FakeProxy.MasterKey))
        {
            await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        }

        string[] warnings = sink.Incomplete[Scope("mcp")];
        Assert.Equal(2, warnings.Length);
        Assert.Contains(warnings, w => w.Contains("github", StringComparison.Ordinal) && w.Contains("Failed to connect", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("srv-3", StringComparison.Ordinal) && w.Contains("404", StringComparison.Ordinal));
        Assert.DoesNotContain(Scope("mcp"), recording.Scopes.Keys);
        Assert.Equal(3, recording.Assets.Count(a => a.Type == AssetTypes.McpServer));
        Assert.Equal($"{_proxy.Host}/mcp/servers/srv-2/tools/getPlaces", Assert.Single(recording.Assets, a => a.Type == AssetTypes.McpTool).Id);
        Assert.Equal(6, recording.CompletedScopes.Count());
    }

    [Fact]
    public async Task Discover_McpToolListForbidden_FailsTheMcpScope()
    {
        _proxy.Json("/v1/mcp/server", """[{"server_id":"srv-1","server_name":"github"}]""");
        _proxy.Json("/mcp-rest/tools/list", """{"error":{"message":"user not allowed to access this route","type":"auth_error","code":"403"}}""", 403);

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(Scope("mcp"), Assert.Single(sink.FailedScopes).Key);
    }

    [Fact]
    public async Task Discover_KeysOverSeveralPages_ReportsEveryKeyWithTeamOwnershipAndModelAccess()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.Json("/team/list", """[{"team_id":"t-1","team_alias":"search","models":["claude"],"members_with_roles":[{"user_id":"u1","role":"admin"}],"tpm_limit":5000}]""");
        _proxy.Route("/key/list", context =>
        {
            string page = context.Request.Query["page"].ToString();
            return FakeProxy.WriteAsync(context, 200, page == "1"
                ? """{"keys":[{"token":"hash-aaa","key_name":"sk-...AAAA","key_alias":"search-svc","team_id":"t-1","models":["gpt-4o"],"spend":12.5},{"token":"hash-bbb","key_name":"sk-...BBBB"}],"total_count":3,"current_page":1,"total_pages":2}"""
                : """{"keys":[{"token":"hash-ccc","key_name":"sk-...CCCC","user_id":"u1"}],"total_count":3,"current_page":2,"total_pages":2}""");
        });

        RecordingSink sink = await DiscoverAsync(pageSize: 2);

        Assert.Equal(7, sink.CompletedScopes.Count());
        Assert.Equal(["?page=1&size=2&return_full_object=true", "?page=2&size=2&return_full_object=true"], _proxy.Server.Requests.Where(r => r.Path == "/key/list").Select(r => r.Query));
        string team = $"{_proxy.Host}/teams/t-1";
        Assert.Equal("search", sink.Single(AssetTypes.Principal, team).Name);
        DiscoveredAsset key = sink.Single(AssetTypes.Principal, $"{_proxy.Host}/keys/hash-aaa");
        Assert.Equal("search-svc", key.Name);
        Assert.Null(key.Attributes["spend"]);
        sink.Single(AssetTypes.Principal, $"{_proxy.Host}/keys/hash-ccc");
        Assert.Contains(sink.Edges, e => e.SourceId == team && e.Relationship == Relationships.Owns && e.TargetId == key.Id);
        Assert.Equal(
            [$"{_proxy.Host}/model/a1", $"{_proxy.Host}/model/b2"],
            sink.Edges.Where(e => e.SourceId == key.Id && e.Relationship == Relationships.UsesModel).Select(e => e.TargetId).Order());
        Assert.Contains(sink.Edges, e => e.SourceId == team && e.Relationship == Relationships.UsesModel && e.TargetId == $"{_proxy.Host}/model/c3");
    }

    [Fact]
    public async Task Discover_DefaultPageSize_StaysWithinTheKeyListLimit()
    {
        RecordingSink sink = await DiscoverAsync(pageSize: 0);

        Assert.Contains(Scope("keys"), sink.CompletedScopes);
        Assert.All(_proxy.Server.Requests.Where(r => r.Path == "/key/list"), r => Assert.Contains("size=100&", r.Query, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(101)]
    [InlineData(1000)]
    public void Validate_PageSizeAboveLiteLlmsLimit_IsRefused(int pageSize)
    {
        var raw = new JsonObject { ["proxy_url"] = _proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey, ["page_size"] = (long)pageSize };

        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(new LiteLlmPluginType(), raw);

        Assert.Null(config);
        Assert.Contains(errors, e => e.Field == "page_size" && e.Message.Contains("100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_ProxyWithoutDatabase_ReportsTeamsAndKeysUnavailableNotFailed()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.WithoutDatabase();
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = Create(FakeProxy.MasterKey))
        {
            await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([Scope("keys"), Scope("teams")], sink.Unavailable.Keys.Order());
        Assert.Contains("database", sink.Unavailable[Scope("keys")], StringComparison.OrdinalIgnoreCase);
        Assert.Empty(recording.FailedScopes);
        Assert.Equal([Scope("agents"), Scope("guardrails"), Scope("mcp"), Scope("models"), Scope("vector_stores")], recording.CompletedScopes.Order());
        Assert.Equal(3, recording.Assets.Count(a => a.Type == AssetTypes.Deployment));
    }

    [Fact]
    public async Task Discover_ApiBaseWithKeyInQuery_IsRedacted()
    {
        _proxy.Json("/model/info", """
            {"data":[{"model_name":"fn","litellm_params":{"model":"openai/gpt-4o","api_base":"https://user:pw@fn.azurewebsites.net/api/chat?code=fn-secret-code&api-version=2024-10-21"},"model_info":{"id":"f1"}}]}
            """);

        RecordingSink sink = await DiscoverAsync();

        string apiBase = (string)sink.Single(AssetTypes.Deployment, $"{_proxy.Host}/model/f1").Attributes["api_base"]!;
        Assert.Equal("https://REDACTED@fn.azurewebsites.net/api/chat?code=REDACTED&api-version=REDACTED", apiBase);
        Assert.DoesNotContain(sink.Assets, a => a.Attributes.ToJsonString().Contains("fn-secret-code", StringComparison.Ordinal) || a.Attributes.ToJsonString().Contains("pw@", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_KeyAndTeamListsForbidden_FailThoseScopesOnly()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.Json("/team/list", """{"error":{"message":"Only proxy admin can list teams","type":"auth_error","code":"401"}}""", 401);
        _proxy.Json("/key/list", """{"error":{"message":"user not allowed to access this route","type":"auth_error","code":"403"}}""", 403);

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal([Scope("keys"), Scope("teams")], sink.FailedScopes.Select(s => s.Key).Order());
        Assert.Equal([Scope("agents"), Scope("guardrails"), Scope("mcp"), Scope("models"), Scope("vector_stores")], sink.CompletedScopes.Order());
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.Deployment));
    }

    [Fact]
    public async Task Discover_ThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _proxy.Route("/model/info", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeProxy.WriteAsync(context, 429, """{"error":{"message":"Rate limit exceeded","code":"429"}}""");
            }

            return FakeProxy.WriteAsync(context, 200, ModelInfo);
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(Scope("models"), sink.CompletedScopes);
        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.Deployment));
    }

    [Theory]
    [InlineData("""{"data":[{"model_name":"gpt-4o","litellm_params":{"model":"openai/gpt""")]
    [InlineData("""{"data":{"model_name":"gpt-4o"}}""")]
    [InlineData("""{"data":[{"litellm_params":{"model":"openai/gpt-4o"}}]}""")]
    [InlineData("""{"data":[{"model_name":"x"}]}""")]
    [InlineData("""Internal Server Error""")]
    public async Task Discover_MalformedModelInfo_FailsTheModelsScopeCleanly(string body)
    {
        _proxy.Json("/model/info", body);

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(Scope("models"), Assert.Single(sink.FailedScopes).Key);
        Assert.Equal(6, sink.CompletedScopes.Count());
    }

    [Fact]
    public async Task Discover_ResponseCutOffMidBody_FailsThatScopeCleanly()
    {
        _proxy.Route("/team/list", async context =>
        {
            context.Response.ContentLength = 2048;
            await context.Response.WriteAsync("""[{"team_id":"t-1","team_al""");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(Scope("teams"), Assert.Single(sink.FailedScopes).Key);
    }

    [Fact]
    public async Task Discover_EveryRequest_CarriesTheMasterKey()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.Json("/v1/mcp/server", """[{"server_id":"srv-1","server_name":"github"}]""");

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(7, sink.CompletedScopes.Count());
        Assert.Equal(8, _proxy.Server.Requests.Count);
        Assert.All(_proxy.Server.Requests, r => Assert.Equal($"Bearer {FakeProxy.MasterKey}", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Discover_FamiliesSwitchedOff_AreNeitherCalledNorReported()
    {
        RecordingSink sink = await DiscoverAsync(extra: new JsonObject { ["include_mcp"] = false, ["include_keys"] = "false" });

        Assert.Equal([Scope("agents"), Scope("guardrails"), Scope("models"), Scope("teams"), Scope("vector_stores")], sink.CompletedScopes.Order());
        Assert.DoesNotContain(_proxy.Server.Requests, r => r.Path is "/key/list" or "/v1/mcp/server");
    }

    [Fact]
    public async Task Verify_MasterKeyAccepted_Succeeds()
    {
        await using IPlugin plugin = Create(FakeProxy.MasterKey);

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Verify_WrongKey_FailsWithoutEchoingIt()
    {
        await using IPlugin plugin = Create("sk-wrong-key");

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.False(result.Success);
        Assert.Contains("401", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-key", result.Error, StringComparison.Ordinal);
    }

    private async Task<RecordingSink> DiscoverAsync(int pageSize = 100, JsonObject? extra = null)
    {
        await using IPlugin plugin = Create(FakeProxy.MasterKey, pageSize, extra);
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }

    private IPlugin Create(string key, int pageSize = 100, JsonObject? extra = null)
    {
        var raw = new JsonObject { ["proxy_url"] = _proxy.Server.BaseAddress.ToString(), ["master_key"] = key };
        if (pageSize > 0)
        {
            raw["page_size"] = (long)pageSize;
        }

        foreach ((string name, JsonNode? value) in extra ?? [])
        {
            raw[name] = value?.DeepClone();
        }

        var type = new LiteLlmPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        return type.Create(config, TestPluginContext.Create());
    }
}

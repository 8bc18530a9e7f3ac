using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests;

/// <summary>
/// The agent registry (GET /v1/agents, litellm/proxy/agent_endpoints/endpoints.py get_agents → list[AgentResponse] of
/// litellm/types/agents.py), guardrails (GET /v2/guardrails/list, falling back to GET /guardrails/list;
/// litellm/proxy/guardrails/guardrail_endpoints.py) and vector stores (GET /vector_store/list?page=&amp;page_size=,
/// litellm/proxy/vector_store_endpoints/management_endpoints.py list_vector_stores).
/// </summary>
public sealed class LiteLlmRegistryTests : IAsyncLifetime
{
    private const string ModelInfo = """
        {"data":[
          {"model_name":"gpt-4o","litellm_params":{"model":"azure/prod-gpt4o"},"model_info":{"id":"a1","base_model":"gpt-4o","litellm_provider":"azure"}},
          {"model_name":"claude","litellm_params":{"model":"anthropic/claude-sonnet-4-5"},"model_info":{"id":"c3"}}
        ]}
        """;

    private const string Agents = """
        [{"agent_id":"a-1","agent_name":"support-triage","enabled":true,"execution_mode":"autonomous",
          "litellm_params":{"model":"gpt-4o","api_key":"sk-agent-secret"},
          "agent_card_params":{"protocolVersion":"0.3.0","name":"Support triage","description":"Routes tickets","url":"https://agents.example/a2a/triage?token=card-secret","version":"1.0.0",
                               "capabilities":{"streaming":true},"defaultInputModes":["text"],"defaultOutputModes":["text"],"skills":[{"id":"route","name":"Route ticket","description":"d","tags":[]}]},
          "object_permission":{"models":["claude"],"mcp_servers":["srv-1"],"agents":["a-2"]},
          "static_headers":{"Authorization":"Bearer header-secret"},"spend":12.5,"tpm_limit":1000},
         {"agent_id":"a-2","agent_name":"billing","agent_card_params":{"name":"Billing","url":"https://agents.example/a2a/billing"}}]
        """;

    private FakeProxy _proxy = null!;

    public async Task InitializeAsync() => _proxy = await FakeProxy.StartAsync();

    public async Task DisposeAsync() => await _proxy.DisposeAsync();

    private string Scope(string family) => $"litellm:{_proxy.Host}:{family}";

    [Fact]
    public async Task Discover_AgentsGuardrailsVectorStores_ReportsThemWithEdgesToModelsToolsAndAgents()
    {
        _proxy.Json("/model/info", ModelInfo);
        _proxy.Json("/v1/mcp/server", """[{"server_id":"srv-1","server_name":"github"}]""");
        _proxy.Json("/v1/agents", Agents);
        _proxy.Json("/v2/guardrails/list", """
            {"guardrails":[{"guardrail_id":"g-1","guardrail_name":"pii-mask","litellm_params":{"guardrail":"presidio","mode":"pre_call","default_on":true,"api_key":"sk-****abcd"},
                            "guardrail_info":{"description":"Masks PII"},"guardrail_definition_location":"db"}]}
            """);
        // list_vector_stores computes total_pages from page_size but returns every store on every page.
        _proxy.Json("/vector_store/list", """
            {"object":"list","data":[{"vector_store_id":"vs-1","custom_llm_provider":"bedrock","vector_store_name":"handbook","litellm_params":{"api_key":"vs-secret"}},
                                     {"vector_store_id":"vs-2","custom_llm_provider":"openai"},{"vector_store_id":"vs-3","custom_llm_provider":"pg_vector"}],
             "total_count":3,"current_page":1,"total_pages":2}
            """);

        RecordingSink sink = await DiscoverAsync(pageSize: 2);

        Assert.Equal(7, sink.CompletedScopes.Count());
        string agent = $"{_proxy.Host}/agents/a-1";
        DiscoveredAsset triage = sink.Single(AssetTypes.Agent, agent);
        Assert.Equal("support-triage", triage.Name);
        Assert.Equal(["Route ticket"], triage.Attributes["skills"]!.AsArray().Select(s => (string?)s));
        Assert.Equal("https://agents.example/a2a/triage?token=REDACTED", (string?)triage.Attributes["url"]);
        Assert.Equal(
            [
                (Relationships.DelegatesTo, $"{_proxy.Host}/agents/a-2"),
                (Relationships.UsesTool, $"{_proxy.Host}/mcp/servers/srv-1"),
                (Relationships.UsesModel, $"{_proxy.Host}/model/a1"),
                (Relationships.UsesModel, $"{_proxy.Host}/model/c3"),
            ],
            sink.Edges.Where(e => e.SourceId == agent).Select(e => (e.Relationship, e.TargetId)).OrderBy(e => e.TargetId, StringComparer.Ordinal));
        sink.Single(AssetTypes.Agent, $"{_proxy.Host}/agents/a-2");

        DiscoveredAsset guardrail = sink.Single(AssetTypes.Function, $"{_proxy.Host}/guardrails/g-1");
        Assert.Equal("guardrail", (string?)guardrail.Attributes["kind"]);
        Assert.Equal("presidio", (string?)guardrail.Attributes["guardrail"]);

        Assert.Equal(3, sink.Assets.Count(a => a.Type == AssetTypes.DownstreamSystem));
        Assert.Equal("bedrock", (string?)sink.Single(AssetTypes.DownstreamSystem, $"{_proxy.Host}/vector_stores/vs-1").Attributes["provider"]);
        Assert.Equal(["?page=1&page_size=2", "?page=2&page_size=2"], _proxy.Server.Requests.Where(r => r.Path == "/vector_store/list").Select(r => r.Query));

        string everything = string.Join('\n', sink.Assets.Select(a => a.Attributes.ToJsonString()));
        Assert.DoesNotContain("secret", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-****", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_OlderProxyWithoutAgentsOrV2Guardrails_ReportsAgentsUnavailableAndConfigGuardrails()
    {
        // A proxy predating the agent registry and /v2/guardrails/list answers FastAPI's 404 {"detail":"Not Found"}.
        _proxy.Json("/v1/agents", """{"detail":"Not Found"}""", 404);
        _proxy.Json("/v2/guardrails/list", """{"detail":"Not Found"}""", 404);
        _proxy.Json("/guardrails/list", """{"guardrails":[{"guardrail_name":"lakera-pre","guardrail_info":{"params":[{"name":"threshold","type":"float"}]}}]}""");
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = Create())
        {
            await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Contains("404", sink.Unavailable[Scope("agents")], StringComparison.Ordinal);
        Assert.DoesNotContain(Scope("agents"), recording.Scopes.Keys);
        Assert.Contains(Scope("guardrails"), recording.CompletedScopes);
        Assert.Equal("lakera-pre", recording.Single(AssetTypes.Function, $"{_proxy.Host}/guardrails/lakera-pre").Name);
    }

    [Fact]
    public async Task Discover_ProxyWithoutDatabase_ListsConfigGuardrailsInstead()
    {
        _proxy.WithoutDatabase();
        _proxy.Json("/guardrails/list", """{"guardrails":[{"guardrail_name":"bedrock-pre-guard","guardrail_info":{}}]}""");
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = Create())
        {
            await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Contains(Scope("guardrails"), recording.CompletedScopes);
        recording.Single(AssetTypes.Function, $"{_proxy.Host}/guardrails/bedrock-pre-guard");
        Assert.Contains(_proxy.Server.Requests, r => r.Path == "/v2/guardrails/list");
    }

    [Fact]
    public async Task Discover_OneAgentWithoutId_WarnsAndReportsItsSiblings()
    {
        _proxy.Json("/v1/agents", """[{"agent_name":"broken","agent_card_params":{}},{"agent_id":"a-2","agent_name":"billing","agent_card_params":{}}]""");
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = Create())
        {
            await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Contains("broken", Assert.Single(sink.Incomplete[Scope("agents")]), StringComparison.Ordinal);
        Assert.DoesNotContain(Scope("agents"), recording.Scopes.Keys);
        recording.Single(AssetTypes.Agent, $"{_proxy.Host}/agents/a-2");
    }

    [Fact]
    public async Task Discover_AgentsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _proxy.Route("/v1/agents", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeProxy.WriteAsync(context, 429, """{"error":{"message":"Rate limit exceeded","code":"429"}}""");
            }

            return FakeProxy.WriteAsync(context, 200, Agents);
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(Scope("agents"), sink.CompletedScopes);
        Assert.Equal(2, sink.Assets.Count(a => a.Type == AssetTypes.Agent));
    }

    private async Task<RecordingSink> DiscoverAsync(int pageSize = 100)
    {
        await using IPlugin plugin = Create(pageSize);
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }

    private IPlugin Create(int pageSize = 100)
    {
        var raw = new JsonObject { ["proxy_url"] = _proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey, ["page_size"] = (long)pageSize };
        var type = new LiteLlmPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        return type.Create(config, TestPluginContext.Create());
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

/// <summary>
/// Agent Bricks against databricks-sdk-go (REST 2.1): service/knowledgeassistants KnowledgeAssistantsAPI
/// ListKnowledgeAssistants (GET /api/2.1/knowledge-assistants, ListKnowledgeAssistantsRequest page_size ≤ 100 /
/// page_token, ListKnowledgeAssistantsResponse knowledge_assistants / next_page_token; KnowledgeAssistant.state is not
/// returned by List) and ListKnowledgeSources (GET /api/2.1/knowledge-assistants/{id}/knowledge-sources; KnowledgeSource
/// files / file_table / index); service/supervisoragents SupervisorAgentsAPI ListSupervisorAgents
/// (GET /api/2.1/supervisor-agents, supervisor_agents) and ListTools (GET /api/2.1/supervisor-agents/{id}/tools; Tool
/// tool_type with genie_space / knowledge_assistant / uc_function / uc_connection / app). Errors are {"error_code","message"}.
/// </summary>
public sealed class AgentBricksDiscoveryTests : IAsyncLifetime
{
    private FakeWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await FakeWorkspace.StartAsync();

    public async Task DisposeAsync() => await _ws.DisposeAsync();

    private string Scope(string api) => $"databricks:{_ws.Host}:{api}";

    [Fact]
    public async Task Discover_KnowledgeAssistantsOverSeveralPages_ReportsAgentsTheirSourcesAndEndpoints()
    {
        _ws.Pages("/api/2.1/knowledge-assistants", "knowledge_assistants",
            ["""{"id":"ka-1","name":"knowledge-assistants/ka-1","display_name":"HR policies","description":"Answers HR questions","creator":"a@b.com","endpoint_name":"ka-1a2b3c-endpoint","experiment_id":"123"}"""],
            ["""{"name":"knowledge-assistants/ka-2","display_name":"Product docs","description":"Docs"}"""]);
        _ws.Pages("/api/2.1/knowledge-assistants/ka-1/knowledge-sources", "knowledge_sources",
            ["""{"id":"s1","name":"knowledge-assistants/ka-1/knowledge-sources/s1","display_name":"Handbook","description":"PDFs","source_type":"files","files":{"path":"/Volumes/main/hr/handbook"},"state":"UPDATED"}"""],
            ["""{"id":"s2","name":"knowledge-assistants/ka-1/knowledge-sources/s2","display_name":"Policies index","description":"idx","source_type":"index","index":{"index_name":"main.hr.Policies_Index","text_col":"chunk","doc_uri_col":"uri"}}"""]);
        _ws.Json("/api/2.1/knowledge-assistants/ka-2/knowledge-sources", "{}");

        RecordingSink sink = await DiscoverAsync("knowledge_assistants");

        Assert.Equal([Scope("knowledge_assistants")], sink.CompletedScopes);
        string host = _ws.Host;
        DiscoveredAsset hr = sink.Single(AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1");
        Assert.Equal("HR policies", hr.Name);
        Assert.Equal("knowledge_assistant", (string?)hr.Attributes["kind"]);
        Assert.Equal("Product docs", sink.Single(AssetTypes.Agent, $"{host}/knowledge-assistants/ka-2").Name);
        Assert.Equal("/Volumes/main/hr/handbook", (string?)sink.Single(AssetTypes.DownstreamSystem, $"{hr.Id}/knowledge-sources/s1").Attributes["volume_path"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{host}/serving-endpoints/ka-1a2b3c-endpoint", Relationships.Serves, AssetTypes.Agent, hr.Id, Scope("knowledge_assistants")), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, hr.Id, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, $"{hr.Id}/knowledge-sources/s2", Scope("knowledge_assistants")), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.DownstreamSystem, $"{hr.Id}/knowledge-sources/s2", Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{host}/vector-search/indexes/main.hr.policies_index", Scope("knowledge_assistants")), sink.Edges);
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/knowledge-assistants" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/knowledge-assistants/ka-1/knowledge-sources" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.All(_ws.Server.Requests, r => Assert.Contains("page_size=100", r.Query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_SupervisorAgentsOverSeveralPages_LinkToTheAgentsToolsAndConnectionsTheyRoute()
    {
        _ws.Pages("/api/2.1/supervisor-agents", "supervisor_agents",
            ["""{"supervisor_agent_id":"sa-1","name":"supervisor-agents/sa-1","display_name":"Support supervisor","endpoint_name":"mas-sa1-endpoint","creator":"a@b.com"}"""],
            ["""{"id":"sa-2","name":"supervisor-agents/sa-2","display_name":"Legacy id only"}"""]);
        _ws.Pages("/api/2.1/supervisor-agents/sa-1/tools", "tools",
            [
                """{"tool_id":"genie","tool_type":"genie_space","genie_space":{"id":"01ef"},"description":"Sales data"}""",
                """{"tool_id":"hr","tool_type":"knowledge_assistant","knowledge_assistant":{"knowledge_assistant_id":"ka-1"}}""",
            ],
            [
                """{"tool_id":"lookup","tool_type":"uc_function","uc_function":{"name":"main.tools.Lookup_Order"}}""",
                """{"tool_id":"gh","tool_type":"uc_connection","uc_connection":{"name":"GitHub_MCP"}}""",
                """{"tool_id":"chat","tool_type":"app","app":{"name":"support-chat"}}""",
                """{"tool_id":"web","tool_type":"web_search"}""",
            ]);

        RecordingSink sink = await DiscoverAsync("supervisor_agents");

        Assert.Equal([Scope("supervisor_agents")], sink.CompletedScopes);
        string host = _ws.Host;
        string sa = $"{host}/supervisor-agents/sa-1";
        DiscoveredAsset supervisor = sink.Single(AssetTypes.Agent, sa);
        Assert.Equal(6, supervisor.Attributes["tools"]!.AsArray().Count);
        sink.Single(AssetTypes.Agent, $"{host}/supervisor-agents/sa-2");
        string scope = Scope("supervisor_agents");
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, $"{host}/serving-endpoints/mas-sa1-endpoint", Relationships.Serves, AssetTypes.Agent, sa, scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, sa, Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/genie/spaces/01ef", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, sa, Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, sa, Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/apps/support-chat", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, sa, Relationships.UsesTool, AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.lookup_order", scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, sa, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{host}/unity-catalog/connections/github_mcp", scope), sink.Edges);
        Assert.Equal(6, sink.Edges.Count(e => e.SourceId == sa || e.TargetId == sa));
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/supervisor-agents" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
        Assert.Contains(_ws.Server.Requests, r => r.Path == "/api/2.1/supervisor-agents/sa-1/tools" && r.Query.Contains("page_token=p1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_OneSupervisorsToolsAndOneAssistantsSourcesFail_WarnsAndReportsTheSiblings()
    {
        _ws.Json("/api/2.1/supervisor-agents", """{"supervisor_agents":[{"supervisor_agent_id":"sa-1","display_name":"One"},{"supervisor_agent_id":"sa-2","display_name":"Two"}]}""");
        _ws.Json("/api/2.1/supervisor-agents/sa-1/tools", """{"error_code":"INTERNAL_ERROR","message":"Internal error."}""", 500);
        _ws.Json("/api/2.1/supervisor-agents/sa-2/tools", """{"tools":[{"tool_id":"g","tool_type":"genie_space","genie_space":{"id":"02ab"}}]}""");
        _ws.Json("/api/2.1/knowledge-assistants", """{"knowledge_assistants":[{"id":"ka-1","display_name":"One"},{"id":"ka-2","display_name":"Two"}]}""");
        _ws.Json("/api/2.1/knowledge-assistants/ka-1/knowledge-sources", """{"error_code":"PERMISSION_DENIED","message":"User does not have CAN_MANAGE on knowledge assistant ka-1."}""", 403);
        _ws.Json("/api/2.1/knowledge-assistants/ka-2/knowledge-sources", """{"knowledge_sources":[{"id":"s","display_name":"Docs","source_type":"file_table","file_table":{"table_name":"main.docs.files","file_col":"content"}}]}""");

        RecordingSink sink = await DiscoverAsync("supervisor_agents", "knowledge_assistants");

        Assert.Empty(sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Contains(sink.Warnings, w => w.Scope == Scope("supervisor_agents") && w.Warning.Contains("tools of supervisor agent sa-1", StringComparison.Ordinal) && w.Warning.Contains("INTERNAL_ERROR", StringComparison.Ordinal));
        Assert.Contains(sink.Warnings, w => w.Scope == Scope("knowledge_assistants") && w.Warning.Contains("knowledge sources of knowledge assistant ka-1", StringComparison.Ordinal));
        Assert.Null(sink.Single(AssetTypes.Agent, $"{_ws.Host}/supervisor-agents/sa-1").Attributes["tools"]);
        Assert.Contains(sink.Edges, e => e.SourceId == $"{_ws.Host}/supervisor-agents/sa-2" && e.TargetId == $"{_ws.Host}/genie/spaces/02ab");
        sink.Single(AssetTypes.Agent, $"{_ws.Host}/knowledge-assistants/ka-1");
        Assert.Equal("main.docs.files", (string?)sink.Single(AssetTypes.DownstreamSystem, $"{_ws.Host}/knowledge-assistants/ka-2/knowledge-sources/s").Attributes["table_name"]);
    }

    [Fact]
    public async Task Discover_SupervisorAgentsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _ws.Route("/api/2.1/supervisor-agents", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeWorkspace.WriteAsync(context, 429, """{"error_code":"REQUEST_LIMIT_EXCEEDED","message":"Too many requests."}""");
            }

            return FakeWorkspace.WriteAsync(context, 200, """{"supervisor_agents":[{"supervisor_agent_id":"sa-1","display_name":"One"}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync("supervisor_agents");

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Equal([Scope("supervisor_agents")], sink.CompletedScopes);
        sink.Single(AssetTypes.Agent, $"{_ws.Host}/supervisor-agents/sa-1");
    }

    /// <summary>A workspace without Agent Bricks answers FEATURE_DISABLED, or ENDPOINT_NOT_FOUND where the API is not served.</summary>
    [Fact]
    public async Task Discover_AgentBricksNotOffered_ReportsBothFamiliesUnavailable()
    {
        _ws.Json("/api/2.1/knowledge-assistants", """{"error_code":"FEATURE_DISABLED","message":"Agent Bricks is not enabled for this workspace."}""", 403);
        _ws.Json("/api/2.1/supervisor-agents", """{"error_code":"ENDPOINT_NOT_FOUND","message":"No API found for 'GET /supervisor-agents'"}""", 404);

        RecordingSink sink = await DiscoverAsync("knowledge_assistants", "supervisor_agents", "genie");

        Assert.Equal([Scope("genie")], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Equal([Scope("knowledge_assistants"), Scope("supervisor_agents")], sink.UnavailableScopes.Keys.Order());
    }

    [Fact]
    public async Task Discover_KnowledgeAssistantsForbidden_FailsOnlyThatScope()
    {
        _ws.Json("/api/2.1/knowledge-assistants", """{"error_code":"PERMISSION_DENIED","message":"User does not have permission."}""", 403);

        RecordingSink sink = await DiscoverAsync("knowledge_assistants", "supervisor_agents");

        Assert.Equal(Scope("knowledge_assistants"), Assert.Single(sink.FailedScopes).Key);
        Assert.Equal([Scope("supervisor_agents")], sink.CompletedScopes);
    }

    private async Task<RecordingSink> DiscoverAsync(params string[] apis)
    {
        var raw = new JsonObject
        {
            ["workspace_url"] = _ws.Server.BaseAddress.ToString(),
            ["token"] = FakeWorkspace.Pat,
            ["apis"] = string.Join(',', apis),
            ["page_size"] = 500,
        };
        var type = new DatabricksPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}

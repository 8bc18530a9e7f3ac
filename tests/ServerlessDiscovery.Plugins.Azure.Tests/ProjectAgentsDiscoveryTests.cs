using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// A Foundry project's data-plane agents: Azure AI Agents, azure-rest-api-specs
/// specification/ai/data-plane/Azure.AI.Agents/stable/2025-05-01/azure-ai-agents.json, operationId ListAgents
/// (GET {endpoint}/assistants, limit/order/after, {"data","last_id","has_more"}; OAuth2 scope https://ai.azure.com/.default).
/// Agent shape and tool definitions as in examples/ListAgents_MaximumSet_Gen.json; MCP tools
/// {"type":"mcp","server_label","server_url"} as in the 2025-05-15-preview definitions.
/// </summary>
public sealed class ProjectAgentsDiscoveryTests : IAsyncLifetime
{
    private static readonly string Account = FakeArm.AccountId("Foundry");
    private static readonly string ProjectA = Account.ToLowerInvariant() + "/projects/proj-a";
    private static readonly string ProjectB = Account.ToLowerInvariant() + "/projects/proj-b";
    private static readonly string ScopeA = $"azure:{ProjectA}:agents";
    private static readonly string ScopeB = $"azure:{ProjectB}:agents";
    private FakeArm _arm = null!;
    private FakeAgentService _agents = null!;

    public async Task InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        _agents = await FakeAgentService.StartAsync();
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Foundry", "AIServices")}}}]}""");
        _arm.Json(Account + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Foundry", "gpt-4o-prod", "gpt-4o", "2024-11-20")}}}]}""");
        _arm.Json(Account + "/projects", $$$"""{"value":[{{{Project("proj-a")}}},{{{Project("proj-b")}}}]}""");
        _agents.Agents("proj-a",
            """{"id":"asst_support","object":"assistant","created_at":1,"name":"Support","description":"tier 1","model":"gpt-4o-prod","instructions":"be kind","tools":[{"type":"file_search"},{"type":"azure_ai_search"},{"type":"mcp","server_label":"github","server_url":"https://api.githubcopilot.com/mcp/?code=secret-key"},{"type":"openapi","openapi":{"name":"weather","description":"forecast","spec":{},"auth":{"type":"connection","security_scheme":{"connection_id":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/Foundry/projects/proj-a/connections/weather-key"}}}},{"type":"connected_agent","connected_agent":{"id":"asst_triage","name":"triage","description":"routes"}}],"tool_resources":{"file_search":{"vector_store_ids":["vs_manuals"]},"azure_ai_search":{"indexes":[{"index_connection_id":"/subscriptions/x/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/Foundry/projects/proj-a/connections/Search","index_name":"kb","query_type":"simple","top_k":5}]}},"temperature":1,"top_p":1,"metadata":{}}""",
            """{"id":"asst_triage","object":"assistant","created_at":2,"name":"Triage","description":null,"model":"gpt-4o-prod","instructions":null,"tools":[{"type":"bing_grounding","bing_grounding":{"connections":[{"connection_id":"bing"}]}}],"tool_resources":null,"temperature":null,"top_p":null,"metadata":{}}""",
            """{"id":"asst_third","object":"assistant","created_at":3,"name":"Third","description":null,"model":"other-conn/llama","instructions":null,"tools":[],"metadata":{}}""");
        _agents.Agents("proj-b", """{"id":"asst_b","object":"assistant","created_at":1,"name":"B","description":null,"model":"gpt-4o-prod","instructions":null,"tools":[],"metadata":{}}""");
    }

    public async Task DisposeAsync()
    {
        await _agents.DisposeAsync();
        await _arm.DisposeAsync();
    }

    [Fact]
    public async Task Discover_AgentsOverSeveralPages_ReportsEachAgentWithItsModelToolsAndKnowledgeBases()
    {
        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(ScopeA, sink.CompletedScopes);
        Assert.Contains(ScopeB, sink.CompletedScopes);
        Assert.Contains(_agents.Server.Requests, r => r.Path == FakeAgentService.AgentsPath("proj-a") && r.Query.Contains("after=asst_triage", StringComparison.Ordinal));
        Assert.All(_agents.Server.Requests, r => Assert.Contains("limit=100", r.Query, StringComparison.Ordinal));

        string support = ProjectA + "/assistants/asst_support";
        DiscoveredAsset agent = sink.Single(AssetTypes.Agent, support);
        Assert.Equal("Support", agent.Name);
        Assert.Equal("gpt-4o-prod", (string?)agent.Attributes["model"]);
        Assert.DoesNotContain("be kind", agent.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.Agent, ProjectA + "/assistants/asst_third");
        sink.Single(AssetTypes.Agent, ProjectB + "/assistants/asst_b");

        string deployment = Account.ToLowerInvariant() + "/deployments/gpt-4o-prod";
        sink.Single(AssetTypes.Deployment, deployment);
        Assert.Contains(Edge(support, Relationships.UsesModel, AssetTypes.Deployment, deployment, ScopeA), sink.Edges);
        Assert.DoesNotContain(sink.Edges, e => e.SourceId == ProjectA + "/assistants/asst_third" && e.Relationship == Relationships.UsesModel);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, ProjectA, Relationships.Contains, AssetTypes.Agent, support, ScopeA), sink.Edges);

        sink.Single(AssetTypes.DownstreamSystem, ProjectA + "/vectorstores/vs_manuals");
        Assert.Contains(Edge(support, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, ProjectA + "/vectorstores/vs_manuals", ScopeA), sink.Edges);
        Assert.Contains(Edge(support, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, ProjectA + "/connections/search", ScopeA), sink.Edges);

        DiscoveredAsset mcp = sink.Single(AssetTypes.McpServer, "https://api.githubcopilot.com/mcp/");
        Assert.DoesNotContain("secret-key", mcp.Attributes.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Id.Contains("secret-key", StringComparison.Ordinal));
        Assert.Contains(Edge(support, Relationships.UsesTool, AssetTypes.McpServer, mcp.Id, ScopeA), sink.Edges);

        string openApi = support + "/tools/openapi/weather";
        sink.Single(AssetTypes.Tool, openApi);
        Assert.Contains(Edge(support, Relationships.UsesTool, AssetTypes.Tool, openApi, ScopeA), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Tool, openApi, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, ProjectA + "/connections/weather-key", ScopeA), sink.Edges);
        Assert.Contains(Edge(support, Relationships.DelegatesTo, AssetTypes.Agent, ProjectA + "/assistants/asst_triage", ScopeA), sink.Edges);
        Assert.Contains(Edge(ProjectA + "/assistants/asst_triage", Relationships.UsesTool, AssetTypes.DownstreamSystem, ProjectA + "/connections/bing", ScopeA), sink.Edges);
    }

    [Fact]
    public async Task Discover_AgentsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _agents.Override("proj-b", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeAgentService.ErrorAsync(context, 429, "too_many_requests", "Rate limit is exceeded.");
            }

            return FakeArm.WriteAsync(context, 200, """{"object":"list","data":[{"id":"asst_b","object":"assistant","created_at":1,"name":"B","model":"gpt-4o-prod","tools":[]}],"first_id":"asst_b","last_id":"asst_b","has_more":false}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(ScopeB, sink.CompletedScopes);
        sink.Single(AssetTypes.Agent, ProjectB + "/assistants/asst_b");
    }

    [Fact]
    public async Task Discover_OneAgentUnreadable_WarnsAndReportsItsSiblings()
    {
        _agents.Agents("proj-b",
            """{"id":"asst_b1","object":"assistant","created_at":1,"name":"B1","model":"gpt-4o-prod","tools":[]}""",
            """{"id":"asst_b3","object":"assistant","created_at":2,"name":"B3","model":"gpt-4o-prod","tools":[]}""",
            """{"id":"","object":"assistant","created_at":3,"name":"no id","model":"gpt-4o-prod","tools":[]}""");

        RecordingSink sink = await DiscoverAsync();

        Assert.DoesNotContain(ScopeB, sink.Scopes.Keys);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(ScopeB, scope);
        Assert.StartsWith("agent no id of project Foundry/proj-b: ", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Agent, ProjectB + "/assistants/asst_b1");
        sink.Single(AssetTypes.Agent, ProjectB + "/assistants/asst_b3");
        Assert.Contains(ScopeA, sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_ProjectWithoutAgentService_IsUnavailableAndTheOtherProjectCompletes()
    {
        _agents.Override("proj-b", context => FakeAgentService.ErrorAsync(context, 404, "NotFound", "Resource not found."));

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(ScopeB, sink.UnavailableScopes.Keys);
        Assert.DoesNotContain(ScopeB, sink.Scopes.Keys);
        Assert.Empty(sink.Warnings);
        Assert.Contains(ScopeA, sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_NoDataPlaneRole_FailsThatProjectsAgentsScopeOnly()
    {
        _agents.Override("proj-b", context => FakeAgentService.ErrorAsync(context, 403, "PermissionDenied", "The principal lacks the required data action Microsoft.CognitiveServices/accounts/AIServices/agents/read."));

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains("PermissionDenied", sink.Scopes[ScopeB], StringComparison.Ordinal);
        Assert.Contains(ScopeA, sink.CompletedScopes);
        Assert.Contains($"azure:{FakeArm.Sub.ToLowerInvariant()}:cognitiveservices", sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_FixedArmTokenWithoutDataPlaneToken_AgentsScopesAreUnavailable()
    {
        RecordingSink sink = await DiscoverAsync(agentsToken: false);

        Assert.Contains(ScopeA, sink.UnavailableScopes.Keys);
        Assert.Contains("agents_bearer_token", sink.UnavailableScopes[ScopeA], StringComparison.Ordinal);
        Assert.Empty(_agents.Server.Requests);
        Assert.Contains($"azure:{FakeArm.Sub.ToLowerInvariant()}:cognitiveservices", sink.CompletedScopes);
    }

    private static DiscoveredEdge Edge(string agent, string relationship, string targetType, string target, string scope) =>
        new(AssetTypes.Agent, agent, relationship, targetType, target, scope);

    private static string Project(string name) =>
        $$$$"""{"id":"{{{{Account}}}}/projects/{{{{name}}}}","name":"Foundry/{{{{name}}}}","type":"Microsoft.CognitiveServices/accounts/projects","location":"swedencentral","properties":{"displayName":"{{{{name}}}}","endpoints":{"AI Foundry API":"https://foundry.services.ai.azure.com/api/projects/{{{{name}}}}"}}}""";

    private async Task<RecordingSink> DiscoverAsync(bool agentsToken = true)
    {
        var type = new AzureAiFoundryPluginType();
        var raw = new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["arm_base_url"] = _arm.BaseAddress.ToString(),
            ["agents_endpoint_base"] = _agents.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
            ["include_machine_learning"] = false,
        };
        if (agentsToken)
        {
            raw["agents_bearer_token"] = FakeAgentService.Token;
        }

        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// A Foundry project's agent estate over ARM (azure-rest-api-specs, specification/cognitiveservices/resource-manager):
/// ProjectConnections_List and ProjectCapabilityHosts_List (stable 2025-06-01), AgentApplications_List and
/// AgentDeployments_List (2025-10-01-preview, the first api-version that defines them; asked with an older one ARM
/// answers 400 NoRegisteredProviderFound).
/// </summary>
public sealed class FoundryProjectDiscoveryTests : IAsyncLifetime
{
    private const string Preview = "2025-10-01-preview";
    private static readonly string CogScope = $"azure:{FakeArm.Sub.ToLowerInvariant()}:cognitiveservices";
    private static readonly string Account = FakeArm.AccountId("Foundry");
    private static readonly string ProjectA = Account + "/projects/proj-a";
    private static readonly string ProjectB = Account + "/projects/proj-b";
    private FakeArm _arm = null!;

    public async Task InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Foundry", "AIServices")}}}]}""");
        _arm.Json(Account + "/projects", $$$"""{"value":[{{{Project("proj-a")}}},{{{Project("proj-b")}}}]}""");
        _arm.Pages(ProjectA + "/connections",
            [Connection("proj-a", "search", "CognitiveSearch", "https://srch.search.windows.net/?api-key=should-not-be-kept")],
            [Connection("proj-a", "github-mcp", "RemoteTool", "https://api.githubcopilot.com/mcp/")]);
        _arm.Json(ProjectA + "/capabilityHosts", $$$"""{"value":[{"id":"{{{ProjectA}}}/capabilityHosts/agents","name":"agents","type":"Microsoft.CognitiveServices/accounts/projects/capabilityHosts","properties":{"capabilityHostKind":"Agents","vectorStoreConnections":["search"],"storageConnections":["blob"],"threadStorageConnections":["cosmos"],"provisioningState":"Succeeded"}}]}""");
        PreviewOnly(ProjectA + "/applications", $$$"""{"value":[{"id":"{{{ProjectA}}}/applications/support-app","name":"support-app","type":"Microsoft.CognitiveServices/accounts/projects/applications","properties":{"displayName":"Customer Support Agent","description":"tier 1"}}]}""");
        PreviewOnly(ProjectA + "/applications/support-app/agentDeployments", $$$"""{"value":[{"id":"{{{ProjectA}}}/applications/support-app/agentDeployments/prod","name":"prod","type":"Microsoft.CognitiveServices/accounts/projects/applications/agentDeployments","properties":{"agents":[{"agentId":"agent-123","agentName":"Support-Agent","agentVersion":"1.0.0"}],"deploymentType":"Managed","displayName":"Production","protocols":[{"version":"1.0","protocol":"Agent"}],"provisioningState":"Succeeded","state":"Running"}}]}""");
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task Discover_FoundryProject_ReportsConnectionsApplicationsDeploymentsAndAgentsWithEdges()
    {
        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(CogScope, sink.CompletedScopes);
        string project = ProjectA.ToLowerInvariant();
        DiscoveredAsset search = sink.Single(AssetTypes.DownstreamSystem, project + "/connections/search");
        Assert.Equal("CognitiveSearch", (string?)search.Attributes["category"]);
        Assert.Equal("https://srch.search.windows.net/", (string?)search.Attributes["target"]);
        Assert.DoesNotContain("should-not-be-kept", search.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.DownstreamSystem, project + "/connections/github-mcp");
        Assert.Contains(_arm.Server.Requests, r => r.Path == ProjectA + "/connections" && r.Query.Contains("page=1", StringComparison.Ordinal));

        DiscoveredAsset app = sink.Single(AssetTypes.Agent, project + "/applications/support-app");
        Assert.Equal("Customer Support Agent", app.Name);
        DiscoveredAsset deployment = sink.Single(AssetTypes.Deployment, project + "/applications/support-app/agentdeployments/prod");
        Assert.Equal("Running", (string?)deployment.Attributes["state"]);
        DiscoveredAsset agent = sink.Single(AssetTypes.Agent, project + "/agents/support-agent");
        Assert.Equal("agent-123", (string?)agent.Attributes["agent_id"]);

        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, project, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, search.Id, CogScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, project, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, search.Id, CogScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, project, Relationships.Contains, AssetTypes.Agent, app.Id, CogScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, app.Id, Relationships.Contains, AssetTypes.Deployment, deployment.Id, CogScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Deployment, deployment.Id, Relationships.Serves, AssetTypes.Agent, agent.Id, CogScope), sink.Edges);
    }

    [Fact]
    public async Task Discover_ConnectionsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _arm.Route(ProjectB + "/connections", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeArm.WriteAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}""");
            }

            return FakeArm.WriteAsync(context, 200, $$$"""{"value":[{{{Connection("proj-b", "aoai", "AzureOpenAI", "https://aoai.openai.azure.com/")}}}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(CogScope, sink.CompletedScopes);
        sink.Single(AssetTypes.DownstreamSystem, ProjectB.ToLowerInvariant() + "/connections/aoai");
    }

    [Fact]
    public async Task Discover_OneProjectsApplicationsFail_WarnsAndReportsTheOtherProject()
    {
        _arm.Json(ProjectB + "/applications", """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/projects/applications/read'."}}""", 403);

        RecordingSink sink = await DiscoverAsync();

        Assert.DoesNotContain(CogScope, sink.Scopes.Keys);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(CogScope, scope);
        Assert.StartsWith("project Foundry/proj-b: ", warning, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Agent, ProjectA.ToLowerInvariant() + "/agents/support-agent");
    }

    [Fact]
    public async Task Discover_AgentApplicationsNotOfferedInTheRegion_IsNotAWarning()
    {
        _arm.Json(ProjectA + "/applications", """{"error":{"code":"NoRegisteredProviderFound","message":"No registered resource provider found for location 'swedencentral' and API version '2025-10-01-preview' for type 'accounts/projects/applications'."}}""", 400);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(CogScope, sink.CompletedScopes);
        Assert.Empty(sink.Warnings);
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.Agent);
        sink.Single(AssetTypes.DownstreamSystem, ProjectA.ToLowerInvariant() + "/connections/search");
    }

    /// <summary>Answers only at the preview api-version, as ARM does for a type an older api-version does not define.</summary>
    private void PreviewOnly(string path, string body) => _arm.Route(path, context => context.Request.Query["api-version"] == Preview
        ? FakeArm.WriteAsync(context, 200, body)
        : FakeArm.WriteAsync(context, 400, $$$"""{"error":{"code":"NoRegisteredProviderFound","message":"No registered resource provider found for location 'swedencentral' and API version '{{{context.Request.Query["api-version"]}}}' for type 'accounts/projects/applications'."}}"""));

    private static string Project(string name) =>
        $$$"""{"id":"{{{Account}}}/projects/{{{name}}}","name":"Foundry/{{{name}}}","type":"Microsoft.CognitiveServices/accounts/projects","location":"swedencentral","properties":{"displayName":"{{{name}}}"}}""";

    private static string Connection(string project, string name, string category, string target) =>
        $$$"""{"id":"{{{Account}}}/projects/{{{project}}}/connections/{{{name}}}","name":"{{{name}}}","type":"Microsoft.CognitiveServices/accounts/projects/connections","properties":{"category":"{{{category}}}","target":"{{{target}}}","authType":"ApiKey","isSharedToAll":true}}""";

    private async Task<RecordingSink> DiscoverAsync()
    {
        var type = new AzureAiFoundryPluginType();
        var raw = new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["arm_base_url"] = _arm.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
            ["include_machine_learning"] = false,
        };
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Bom;

/// <summary>
/// The real app on Azurite with tenant-bound keys, and tenant A's estate scanned through the API: two agents sharing a
/// model, MCP tools of one MCP server and a knowledge base, hosted by one project; a second instance seeing the same model.
/// </summary>
public sealed class BomEstateFixture : IAsyncLifetime
{
    public const string KeyA = "bom-key-tenant-a-0123456789";
    public const string KeyB = "bom-key-tenant-b-0123456789";
    public const string KeyC = "bom-key-tenant-c-0123456789";

    public const string Planner = "agents/planner";
    public const string Writer = "agents/writer";
    public const string Project = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/projects/p1";
    public const string Deployment = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/gpt-4o";
    public const string Gpt4o = "openai/gpt-4o";
    public const string Claude = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0";
    public const string UnusedModel = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1";
    public const string OtherEndpoint = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/other";
    public const string McpServer = "https://tools.example.com/mcp";
    public const string Search = "https://tools.example.com/mcp/tools/search";
    public const string Fetch = "https://tools.example.com/mcp/tools/fetch";
    public const string Delete = "https://tools.example.com/mcp/tools/delete";
    public const string KnowledgeBase = "https://search.example.com/indexes/docs";
    public const string TeamKey = "litellm:proxy:key/k1";

    public EngineApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = $"{KeyA}@tenant-a;{KeyB}@tenant-b;{KeyC}@tenant-c" });

        FakeSource estate = FakeSource.Create();
        estate.CompletedScopes.Add("s");
        estate.Put(AssetTypes.Agent, Planner, "s", "Planner", new JsonObject { ["kind"] = "foundry_agent_service", ["description"] = "Plans trips." });
        estate.Put(AssetTypes.Agent, Writer, "s", "Writer");
        estate.Put(AssetTypes.Endpoint, Project, "s", "p1", new JsonObject { ["kind"] = "foundry_project", ["url"] = "https://user:pw@acct.services.ai.azure.com/api/projects/p1?sig=secret" });
        estate.Put(AssetTypes.Deployment, Deployment, "s", "gpt-4o", new JsonObject { ["model_name"] = "gpt-4o", ["model_version"] = "2024-11-20" });
        estate.Put(AssetTypes.Model, Gpt4o, "s", "gpt-4o", new JsonObject { ["provider"] = "openai" });
        estate.Put(AssetTypes.GenerativeModel, Claude, "s", "Claude 3.5 Sonnet", new JsonObject
        {
            ["kind"] = "foundation_model",
            ["providerName"] = "Anthropic",
            ["inputModalities"] = new JsonArray("TEXT", "IMAGE"),
            ["outputModalities"] = new JsonArray("TEXT"),
        });
        estate.Put(AssetTypes.GenerativeModel, UnusedModel, "s", "Titan Text Express", new JsonObject { ["kind"] = "foundation_model" });
        estate.Put(AssetTypes.Endpoint, OtherEndpoint, "s", "other");
        estate.Put(AssetTypes.McpServer, McpServer, "s", "tools", new JsonObject { ["url"] = McpServer, ["version"] = "1.2.0" });
        estate.Put(AssetTypes.McpTool, Search, "s", "search", new JsonObject { ["description"] = "Searches the web." });
        estate.Put(AssetTypes.McpTool, Fetch, "s", "fetch");
        estate.Put(AssetTypes.McpTool, Delete, "s", "delete");
        estate.Put(AssetTypes.DownstreamSystem, KnowledgeBase, "s", "docs index", new JsonObject { ["kind"] = "knowledge_base" });
        estate.Put(AssetTypes.Principal, TeamKey, "s", "key k1", new JsonObject { ["kind"] = "key" });
        Edge(estate, AssetTypes.Endpoint, Project, Relationships.Contains, AssetTypes.Agent, Planner);
        Edge(estate, AssetTypes.Endpoint, Project, Relationships.Contains, AssetTypes.Agent, Writer);
        Edge(estate, AssetTypes.Endpoint, Project, Relationships.Contains, AssetTypes.Deployment, Deployment);
        Edge(estate, AssetTypes.Agent, Planner, Relationships.UsesModel, AssetTypes.Deployment, Deployment);
        Edge(estate, AssetTypes.Deployment, Deployment, Relationships.Serves, AssetTypes.Model, Gpt4o);
        Edge(estate, AssetTypes.Agent, Writer, Relationships.UsesModel, AssetTypes.Model, Gpt4o);
        Edge(estate, AssetTypes.Agent, Writer, Relationships.UsesModel, AssetTypes.GenerativeModel, Claude);
        Edge(estate, AssetTypes.Agent, Planner, Relationships.UsesTool, AssetTypes.McpTool, Search);
        Edge(estate, AssetTypes.Agent, Planner, Relationships.UsesTool, AssetTypes.McpTool, Fetch);
        Edge(estate, AssetTypes.Agent, Writer, Relationships.UsesTool, AssetTypes.McpTool, Fetch);
        Edge(estate, AssetTypes.McpServer, McpServer, Relationships.Contains, AssetTypes.McpTool, Search);
        Edge(estate, AssetTypes.McpServer, McpServer, Relationships.Contains, AssetTypes.McpTool, Fetch);
        Edge(estate, AssetTypes.McpServer, McpServer, Relationships.Contains, AssetTypes.McpTool, Delete);
        Edge(estate, AssetTypes.Agent, Planner, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, KnowledgeBase);
        Edge(estate, AssetTypes.Agent, Writer, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, KnowledgeBase);
        Edge(estate, AssetTypes.Endpoint, OtherEndpoint, Relationships.Serves, AssetTypes.GenerativeModel, UnusedModel);
        Edge(estate, AssetTypes.Principal, TeamKey, Relationships.UsesModel, AssetTypes.Deployment, Deployment);
        await ScanAsync(KeyA, "estate", estate);

        FakeSource second = FakeSource.Create();
        second.CompletedScopes.Add("s");
        second.Put(AssetTypes.Model, Gpt4o, "s", "gpt-4o", new JsonObject { ["provider"] = "openai" });
        await ScanAsync(KeyA, "second", second);

        FakeSource other = FakeSource.Create();
        other.CompletedScopes.Add("s");
        other.Put(AssetTypes.Model, "tenant-b/secret-model", "s", "tenant B's model");
        other.Put(AssetTypes.Agent, "agents/b-agent", "s", "B's agent");
        await ScanAsync(KeyB, "estate", other);
    }

    public Task DisposeAsync() => App.DisposeAsync().AsTask();

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = App.App.BaseAddress };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("x-api-key", key);
        }

        return client;
    }

    /// <summary>Creates the instance if new, scans it through the API and waits for the scan to finish.</summary>
    public async Task ScanAsync(string key, string instance, FakeSource source)
    {
        using HttpClient client = Client(key);
        using HttpResponseMessage existing = await client.GetAsync($"api/v1/instances/{instance}");
        if (existing.StatusCode == HttpStatusCode.NotFound)
        {
            using HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject
            {
                ["plugin_type"] = FakePluginType.TypeId,
                ["instance_id"] = instance,
                ["config"] = new JsonObject { ["source"] = source.Name },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using HttpResponseMessage refreshed = await client.PostAsync($"api/v1/instances/{instance}/refresh", null);
        Assert.Equal(HttpStatusCode.Accepted, refreshed.StatusCode);
        await App.App.Get<DiscoveryScheduler>().WhenIdleAsync();
    }

    private static void Edge(FakeSource source, string sourceType, string sourceId, string relationship, string targetType, string targetId) =>
        source.Edges.Add(new DiscoveredEdge(sourceType, sourceId, relationship, targetType, targetId, "s"));
}

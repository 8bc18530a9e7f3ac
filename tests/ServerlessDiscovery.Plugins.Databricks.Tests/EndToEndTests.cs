using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

/// <summary>databricks through the real API, scheduler and Azurite, against the loopback workspace.</summary>
public sealed class EndToEndTests
{
    private const string ServingEndpoints = """
        {"endpoints":[
          {"name":"llama","id":"e1","state":{"ready":"READY"},
           "config":{"served_entities":[{"name":"llama-3","entity_name":"system.ai.meta_llama_v3_3_70b_instruct","entity_version":"1","foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct"}}]}},
          {"name":"gpt","id":"e2","state":{"ready":"READY"},
           "config":{"served_entities":[{"name":"gpt-4o","external_model":{"provider":"openai","name":"gpt-4o","task":"llm/v1/chat"}}]}}
        ]}
        """;

    [Fact]
    public async Task Scans_GenieSpaceRemovedThenServingForbiddenThenGenieDisabled_TombstonesStalesAndLeavesAsTheyWere()
    {
        await using FakeWorkspace workspace = await FakeWorkspace.StartAsync();
        string host = workspace.Host;
        var spaces = new List<string> { "01ef", "02ab", "03cd" };
        bool servingForbidden = false;
        bool genieDisabled = false;
        workspace.Route("/api/2.0/genie/spaces", context => genieDisabled
            ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"FEATURE_DISABLED","message":"Genie is not enabled for this workspace."}""")
            : FakeWorkspace.WriteAsync(context, 200, new JsonObject
            {
                ["spaces"] = new JsonArray([.. spaces.Select(id => (JsonNode?)new JsonObject { ["space_id"] = id, ["title"] = $"Space {id}" })]),
            }.ToJsonString()));
        foreach (string name in new[] { "llama", "gpt" })
        {
            // GET /api/2.0/serving-endpoints/{name} answers the detailed endpoint; here its served entities as listed.
            workspace.Route($"/api/2.0/serving-endpoints/{name}", context => FakeWorkspace.WriteAsync(
                context, 200, JsonNode.Parse(ServingEndpoints)!["endpoints"]!.AsArray().Single(e => (string?)e!["name"] == name)!.ToJsonString()));
        }

        workspace.Route("/api/2.0/serving-endpoints", context => servingForbidden
            ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"PERMISSION_DENIED","message":"User does not have permission to list serving endpoints."}""")
            : FakeWorkspace.WriteAsync(context, 200, ServingEndpoints));
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("databricks", "dbx1", new JsonObject { ["workspace_url"] = workspace.Server.BaseAddress.ToString(), ["token"] = FakeWorkspace.Pat });
        await app.AssertSecretsMaskedAsync("dbx1", new Dictionary<string, string> { ["token"] = FakeWorkspace.Pat });

        JsonObject first = await app.RefreshAsync("dbx1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("dbx1");
        Assert.Contains((AssetTypes.Agent, $"{host}/genie/spaces/03cd"), assets);
        Assert.Contains((AssetTypes.Endpoint, $"{host}/serving-endpoints/llama"), assets);
        Assert.Contains((AssetTypes.Model, "openai/gpt-4o"), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync($"{host}/serving-endpoints/gpt/served-entities/gpt-4o", Relationships.Serves, AssetTypes.Model, "openai/gpt-4o");
        Assert.Equal("Space 02ab", (string?)(await app.GetAssetAsync(AssetTypes.Agent, $"{host}/genie/spaces/02ab"))["name"]);

        spaces.Remove("03cd");
        JsonObject second = await app.RefreshAsync("dbx1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("dbx1", second, AssetTypes.Agent, $"{host}/genie/spaces/03cd");

        servingForbidden = true;
        JsonObject third = await app.ScheduledScanAsync("dbx1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Contains("PERMISSION_DENIED", (string?)third["scopes"]![$"databricks:{host}:serving"], StringComparison.Ordinal);
        Assert.DoesNotContain(FakeWorkspace.Pat, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("dbx1", AssetTypes.Endpoint, $"{host}/serving-endpoints/llama")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx1", AssetTypes.Agent, $"{host}/genie/spaces/01ef")).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Endpoint, $"{host}/serving-endpoints/llama"), (AssetTypes.Endpoint, $"{host}/serving-endpoints/gpt")]);

        // Genie turned off: not a failure, so its spaces are neither tombstoned nor marked stale.
        servingForbidden = false;
        genieDisabled = true;
        JsonObject fourth = await app.RefreshAsync("dbx1");

        Assert.Equal(0, (int)EngineAppEndToEnd.Counts(fourth)["deleted"]!);
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx1", AssetTypes.Agent, $"{host}/genie/spaces/01ef")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx1", AssetTypes.Endpoint, $"{host}/serving-endpoints/llama")).GetString("State"));
    }

    /// <summary>
    /// Unity Catalog functions (catalog.FunctionsAPI List under CatalogsAPI / SchemasAPI List) and Agent Bricks
    /// (knowledgeassistants / supervisoragents List) end to end: a function gone is tombstoned; one schema that cannot be
    /// listed is a warning on the scan record and tombstones nothing; knowledge assistants forbidden are stale; supervisor
    /// agents not offered are recorded unavailable and stay active.
    /// </summary>
    [Fact]
    public async Task Scans_FunctionRemovedThenSchemaForbiddenThenAgentBricksDeniedAndDisabled_TombstonesWarnsStalesAndRecordsUnavailable()
    {
        await using FakeWorkspace workspace = await FakeWorkspace.StartAsync();
        string host = workspace.Host;
        var functions = new List<string> { "lookup_order", "refund" };
        bool schemaForbidden = false;
        bool assistantsForbidden = false;
        bool supervisorsDisabled = false;
        workspace.Json("/api/2.1/unity-catalog/catalogs", """{"catalogs":[{"name":"main"}]}""");
        workspace.Json("/api/2.1/unity-catalog/schemas", """{"schemas":[{"name":"tools"},{"name":"billing"}]}""");
        workspace.Route("/api/2.1/unity-catalog/functions", context => context.Request.Query["schema_name"] == "billing"
            ? schemaForbidden
                ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"PERMISSION_DENIED","message":"User does not have USE SCHEMA on Schema 'main.billing'."}""")
                : FakeWorkspace.WriteAsync(context, 200, """{"functions":[{"full_name":"main.billing.invoice","name":"invoice"}]}""")
            : FakeWorkspace.WriteAsync(context, 200, new JsonObject
            {
                ["functions"] = new JsonArray([.. functions.Select(f => (JsonNode?)new JsonObject { ["full_name"] = $"main.tools.{f}", ["name"] = f })]),
            }.ToJsonString()));
        workspace.Route("/api/2.1/knowledge-assistants", context => assistantsForbidden
            ? FakeWorkspace.WriteAsync(context, 403, """{"error_code":"PERMISSION_DENIED","message":"User does not have permission to list knowledge assistants."}""")
            : FakeWorkspace.WriteAsync(context, 200, """{"knowledge_assistants":[{"id":"ka-1","display_name":"HR policies","endpoint_name":"ka-1-endpoint"}]}"""));
        workspace.Route("/api/2.1/supervisor-agents", context => supervisorsDisabled
            ? FakeWorkspace.WriteAsync(context, 400, """{"error_code":"FEATURE_DISABLED","message":"Agent Bricks is not enabled for this workspace."}""")
            : FakeWorkspace.WriteAsync(context, 200, """{"supervisor_agents":[{"supervisor_agent_id":"sa-1","display_name":"Support supervisor"}]}"""));
        workspace.Json("/api/2.1/supervisor-agents/sa-1/tools", """{"tools":[{"tool_id":"lookup","tool_type":"uc_function","uc_function":{"name":"main.tools.lookup_order"}},{"tool_id":"hr","tool_type":"knowledge_assistant","knowledge_assistant":{"knowledge_assistant_id":"ka-1"}}]}""");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("databricks", "dbx2", new JsonObject
        {
            ["workspace_url"] = workspace.Server.BaseAddress.ToString(),
            ["token"] = FakeWorkspace.Pat,
            ["apis"] = "functions,knowledge_assistants,supervisor_agents",
        });

        JsonObject first = await app.RefreshAsync("dbx2");

        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("dbx2");
        Assert.Equal(assets.Count, (int)EngineAppEndToEnd.Counts(first)["created"]!);
        Assert.Contains((AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.refund"), assets);
        Assert.Contains((AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1"), assets);
        await app.AssertEdgeAsync($"{host}/supervisor-agents/sa-1", Relationships.UsesTool, AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.lookup_order");
        await app.AssertEdgeAsync($"{host}/supervisor-agents/sa-1", Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1");

        functions.Remove("refund");
        JsonObject second = await app.RefreshAsync("dbx2");

        Assert.Equal(1, (int)EngineAppEndToEnd.Counts(second)["deleted"]!);
        await app.AssertTombstonedAsync("dbx2", second, AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.refund");

        // One schema unreadable: a warning, and nothing in the functions scope is tombstoned or marked stale.
        schemaForbidden = true;
        functions.Remove("lookup_order");
        JsonObject third = await app.RefreshAsync("dbx2");

        JsonObject counts = EngineAppEndToEnd.Counts(third);
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Equal(0, (int)counts["stale"]!);
        Assert.Equal("incomplete: 1 item(s) could not be read", (string?)third["scopes"]![$"databricks:{host}:functions"]);
        string warning = Assert.Single(third["warnings"]!.AsArray())!.GetValue<string>();
        Assert.Contains("functions of schema main.billing", warning, StringComparison.Ordinal);
        Assert.Contains("PERMISSION_DENIED", warning, StringComparison.Ordinal);
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx2", AssetTypes.Tool, $"{host}/unity-catalog/functions/main.tools.lookup_order")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx2", AssetTypes.Tool, $"{host}/unity-catalog/functions/main.billing.invoice")).GetString("State"));

        assistantsForbidden = true;
        supervisorsDisabled = true;
        JsonObject fourth = await app.ScheduledScanAsync("dbx2", "partial");

        counts = EngineAppEndToEnd.Counts(fourth, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Contains("PERMISSION_DENIED", (string?)fourth["scopes"]![$"databricks:{host}:knowledge_assistants"], StringComparison.Ordinal);
        Assert.StartsWith("unavailable: ", (string?)fourth["scopes"]![$"databricks:{host}:supervisor_agents"], StringComparison.Ordinal);
        Assert.DoesNotContain(FakeWorkspace.Pat, fourth.ToJsonString(), StringComparison.Ordinal);
        app.AssertEvents(fourth, ChangeEventTypes.AssetStale, [(AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1")]);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("dbx2", AssetTypes.Agent, $"{host}/knowledge-assistants/ka-1")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("dbx2", AssetTypes.Agent, $"{host}/supervisor-agents/sa-1")).GetString("State"));
    }
}

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
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Google.Tests;

/// <summary>gcp.vertex_ai through the real API, scheduler and Azurite, against the loopback Vertex AI.</summary>
public sealed class EndToEndTests
{
    private const string Token = "ya29.e2e-access-token";
    private const string Prefix = "//aiplatform.googleapis.com/";
    private const string Us = $"{Prefix}projects/proj-a/locations/us-central1";
    private const string Europe = $"{Prefix}projects/proj-a/locations/europe-west4";

    [Fact]
    public async Task Scans_ModelRemovedThenLocationDeniedThenFamilyUnavailable_TombstonesStalesAndLeavesAsTheyWere()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        string? removedModel = null;
        string? deniedLocation = null;
        string? unavailableCollection = null;
        fake.Handler = call => call.Location == deniedLocation
            ? VertexReply.Error(403, "PERMISSION_DENIED", "Permission 'aiplatform.models.list' denied")
            : call.Collection == unavailableCollection
                ? VertexReply.Error(501, "UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled.")
                : Without(VertexAiDiscoveryTests.Answer(call), removedModel);
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("gcp.vertex_ai", "vx1", new JsonObject
        {
            ["projects"] = new JsonArray("proj-a"),
            ["locations"] = new JsonArray("us-central1", "europe-west4"),
            ["access_token"] = Token,
            ["vertex_endpoint"] = fake.Template,
            ["requests_per_second"] = 0L,
        });
        await app.AssertSecretsMaskedAsync("vx1", new Dictionary<string, string> { ["access_token"] = Token });

        JsonObject first = await app.RefreshAsync("vx1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("vx1");
        Assert.Contains((AssetTypes.Model, $"{Us}/models/101"), assets);
        Assert.Contains((AssetTypes.Endpoint, $"{Europe}/endpoints/201"), assets);
        Assert.Contains((AssetTypes.GenerativeModel, $"{Us}/publishers/google/models/gemma-2-9b-it"), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync($"{Us}/endpoints/201", Relationships.Serves, AssetTypes.Model, $"{Us}/models/102");
        Assert.Equal("churn", (string?)(await app.GetAssetAsync(AssetTypes.Model, $"{Us}/models/101"))["name"]);

        removedModel = "models/101";
        JsonObject second = await app.RefreshAsync("vx1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(2, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 2, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("vx1", second, AssetTypes.Model, $"{Us}/models/101");
        await app.AssertTombstonedAsync("vx1", second, AssetTypes.Model, $"{Europe}/models/101");

        deniedLocation = "europe-west4";
        JsonObject third = await app.ScheduledScanAsync("vx1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Contains("PERMISSION_DENIED", (string?)third["scopes"]!["gcp:proj-a:europe-west4:vertex_ai"], StringComparison.Ordinal);
        Assert.DoesNotContain(Token, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("vx1", AssetTypes.Endpoint, $"{Europe}/endpoints/201")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx1", AssetTypes.Endpoint, $"{Us}/endpoints/201")).GetString("State"));
        Assert.Equal(AssetState.Deleted, (await app.AssetRowAsync("vx1", AssetTypes.Model, $"{Europe}/models/101")).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Endpoint, $"{Europe}/endpoints/201"), (AssetTypes.Agent, $"{Europe}/reasoningEngines/501")]);

        // Agent Engine no longer offered: its agents are neither tombstoned nor marked stale.
        deniedLocation = null;
        unavailableCollection = "reasoningEngines";
        JsonObject fourth = await app.RefreshAsync("vx1");

        Assert.Equal(0, (int)EngineAppEndToEnd.Counts(fourth)["deleted"]!);
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx1", AssetTypes.Agent, $"{Us}/reasoningEngines/501")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx1", AssetTypes.Endpoint, $"{Us}/endpoints/201")).GetString("State"));
    }

    /// <summary>The reply with the model whose name ends in <paramref name="suffix"/> left out of a models listing.</summary>
    private static VertexReply Without(VertexReply reply, string? suffix)
    {
        if (suffix is null || reply.Status != 200 || JsonNode.Parse(reply.Body)!["models"] is not JsonArray models)
        {
            return reply;
        }

        JsonObject body = JsonNode.Parse(reply.Body)!.AsObject();
        body["models"] = new JsonArray([.. models.Where(m => !((string)m!["name"]!).EndsWith(suffix, StringComparison.Ordinal)).Select(m => m!.DeepClone())]);
        return VertexReply.Json(body);
    }
}

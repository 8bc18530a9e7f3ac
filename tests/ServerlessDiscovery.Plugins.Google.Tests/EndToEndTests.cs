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
                : Without(VertexAiDiscoveryTests.Answer(call), "models", removedModel);
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

    /// <summary>
    /// The agent estate end to end, against the Vertex v1 protos: ReasoningEngineService.ListReasoningEngines (two pages),
    /// VertexRagDataService.ListRagCorpora, IndexService.ListIndexes and IndexEndpointService.ListIndexEndpoints, errors as
    /// {"error": {"code", "status", "message"}}. A reasoning engine gone is tombstoned; RAG corpora denied in one location
    /// are stale there only; Vector Search no longer offered (501 UNIMPLEMENTED) is recorded as unavailable on the scan
    /// record and its indexes and endpoints stay active.
    /// </summary>
    [Fact]
    public async Task Scans_EngineRemovedThenRagCorporaDeniedThenVectorSearchUnavailable_TombstonesStalesAndRecordsUnavailable()
    {
        await using FakeVertexAi fake = await FakeVertexAi.StartAsync();
        bool engineRemoved = false;
        bool ragDenied = false;
        bool vectorSearchUnavailable = false;
        fake.Handler = call => call switch
        {
            { Location: "europe-west4", Collection: "ragCorpora" } when ragDenied =>
                VertexReply.Error(403, "PERMISSION_DENIED", "Permission 'aiplatform.ragCorpora.list' denied on resource '//aiplatform.googleapis.com/projects/proj-a/locations/europe-west4' (or it may not exist)."),
            { Collection: "indexes" or "indexEndpoints" } when vectorSearchUnavailable =>
                VertexReply.Error(501, "UNIMPLEMENTED", "Operation is not implemented, or supported, or enabled."),
            { Location: "us-central1", Collection: "reasoningEngines" } when engineRemoved =>
                Without(VertexAiDiscoveryTests.Answer(call), "reasoningEngines", "reasoningEngines/502"),
            _ => VertexAiDiscoveryTests.Answer(call),
        };
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("gcp.vertex_ai", "vx2", new JsonObject
        {
            ["projects"] = new JsonArray("proj-a"),
            ["locations"] = new JsonArray("us-central1", "europe-west4"),
            ["access_token"] = Token,
            ["vertex_endpoint"] = fake.Template,
            ["requests_per_second"] = 0L,
        });

        JsonObject first = await app.RefreshAsync("vx2");

        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("vx2");
        Assert.Equal(assets.Count, (int)EngineAppEndToEnd.Counts(first)["created"]!);
        Assert.Contains((AssetTypes.Agent, $"{Us}/reasoningEngines/502"), assets);
        Assert.Contains((AssetTypes.DownstreamSystem, $"{Europe}/ragCorpora/601"), assets);
        Assert.Contains((AssetTypes.Endpoint, $"{Us}/indexEndpoints/801"), assets);
        await app.AssertEdgeAsync($"{Us}/reasoningEngines/501", Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, $"{Us}/ragCorpora/601");
        await app.AssertEdgeAsync($"{Us}/ragCorpora/601", Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{Us}/indexes/701");
        await app.AssertEdgeAsync($"{Us}/indexEndpoints/801", Relationships.Serves, AssetTypes.DownstreamSystem, $"{Us}/indexes/701");

        engineRemoved = true;
        JsonObject second = await app.RefreshAsync("vx2");

        JsonObject counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("vx2", second, AssetTypes.Agent, $"{Us}/reasoningEngines/502");
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.Agent, $"{Europe}/reasoningEngines/502")).GetString("State"));

        ragDenied = true;
        JsonObject third = await app.ScheduledScanAsync("vx2", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.StartsWith("failed: ", (string?)third["scopes"]!["gcp:proj-a:europe-west4:rag_engine"], StringComparison.Ordinal);
        Assert.Contains("PERMISSION_DENIED", (string?)third["scopes"]!["gcp:proj-a:europe-west4:rag_engine"], StringComparison.Ordinal);
        Assert.Equal("completed", (string?)third["scopes"]!["gcp:proj-a:us-central1:rag_engine"]);
        Assert.DoesNotContain(Token, third.ToJsonString(), StringComparison.Ordinal);
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.DownstreamSystem, $"{Europe}/ragCorpora/601")]);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("vx2", AssetTypes.DownstreamSystem, $"{Europe}/ragCorpora/601")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.DownstreamSystem, $"{Us}/ragCorpora/601")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.Agent, $"{Europe}/reasoningEngines/501")).GetString("State"));

        ragDenied = false;
        vectorSearchUnavailable = true;
        JsonObject fourth = await app.RefreshAsync("vx2");

        counts = EngineAppEndToEnd.Counts(fourth);
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Equal(0, (int)counts["stale"]!);
        foreach (string location in new[] { "us-central1", "europe-west4" })
        {
            string? recorded = (string?)fourth["scopes"]![$"gcp:proj-a:{location}:vector_search"];
            Assert.StartsWith("unavailable: ", recorded, StringComparison.Ordinal);
            Assert.Contains("UNIMPLEMENTED", recorded, StringComparison.Ordinal);
            Assert.Equal("completed", (string?)fourth["scopes"]![$"gcp:proj-a:{location}:agent_engine"]);
        }

        Assert.Empty(fourth["warnings"]!.AsArray());
        foreach (string parent in new[] { Us, Europe })
        {
            Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.DownstreamSystem, $"{parent}/indexes/701")).GetString("State"));
            Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.Endpoint, $"{parent}/indexEndpoints/801")).GetString("State"));
        }

        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("vx2", AssetTypes.DownstreamSystem, $"{Europe}/ragCorpora/601")).GetString("State"));
        await app.AssertEdgeAsync($"{Us}/indexEndpoints/801", Relationships.Serves, AssetTypes.DownstreamSystem, $"{Us}/indexes/701");
    }

    /// <summary>The reply with the item whose name ends in <paramref name="suffix"/> left out of a <paramref name="collection"/> listing.</summary>
    private static VertexReply Without(VertexReply reply, string collection, string? suffix)
    {
        if (suffix is null || reply.Status != 200 || JsonNode.Parse(reply.Body)![collection] is not JsonArray items)
        {
            return reply;
        }

        JsonObject body = JsonNode.Parse(reply.Body)!.AsObject();
        body[collection] = new JsonArray([.. items.Where(m => !((string)m!["name"]!).EndsWith(suffix, StringComparison.Ordinal)).Select(m => m!.DeepClone())]);
        return VertexReply.Json(body);
    }
}

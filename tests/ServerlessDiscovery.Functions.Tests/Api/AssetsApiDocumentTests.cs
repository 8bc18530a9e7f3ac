using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The asset routes' typed replies: the OpenAPI document describes each 200 reply with a schema, and the wire JSON keeps
/// the shape and field order the untyped replies had (fields without a value sent as null, optional blocks left out).
/// </summary>
public sealed class AssetsApiDocumentTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Theory]
    [InlineData("/api/v1/assets", "GroupedAssetsReply")]
    [InlineData("/api/v1/assets/{type}/{id}", "AssetReply")]
    [InlineData("/api/v1/tools", "ToolList")]
    [InlineData("/api/v1/models", "ModelList")]
    [InlineData("/api/v1/agents", "AgentList")]
    [InlineData("/api/v1/downstream", "DownstreamList")]
    [InlineData("/api/v1/mcp/servers", "McpServerList")]
    [InlineData("/api/v1/mcp/tools", "ToolList")]
    [InlineData("/api/v1/lineage", "LineageReply")]
    public async Task OpenApi_AssetRoute_Describes200WithItsSchema(string path, string schema)
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject get = document["paths"]![path]!["get"]!.AsObject();
        string? reference = (string?)get["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"];
        Assert.Equal("#/components/schemas/" + schema, reference);
        Assert.NotEmpty(document["components"]!["schemas"]![schema]!["properties"]!.AsObject());
    }

    [Fact]
    public async Task OpenApi_AssetRoutes_DescribeTheirProblems()
    {
        JsonObject paths = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!["paths"]!.AsObject();

        Assert.NotNull(paths["/api/v1/assets"]!["get"]!["responses"]!["400"]);
        Assert.NotNull(paths["/api/v1/models"]!["get"]!["responses"]!["400"]);
        Assert.NotNull(paths["/api/v1/assets/{type}/{id}"]!["get"]!["responses"]!["404"]);
        JsonObject asset = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!["components"]!["schemas"]!["AssetReply"]!["properties"]!.AsObject();
        foreach (string field in new[] { "type", "id", "name", "state", "first_seen", "attributes", "provenance", "observed", "metadata", "usage", "reason", "sources" })
        {
            Assert.True(asset.ContainsKey(field), $"AssetReply has no {field}.");
        }
    }

    [Fact]
    public async Task Replies_DeclaredAsset_KeepTheirFieldsInOrderWithUnsetOnesAsNull()
    {
        FakeSource source = FakeSource.Create();
        source.Put("model", "wire-model", "s1", "Wire model", new JsonObject { ["family"] = "gpt" });
        source.Put("agent", "wire-agent", "s1", "Wire agent");
        source.Edges.Add(new Plugins.DiscoveredEdge("agent", "wire-agent", "uses", "model", "wire-model", "s1"));
        await _app.CreateInstanceAsync(FakePluginType.TypeId, "wire1", new JsonObject { ["source"] = source.Name });
        await _app.ScheduledScanAsync("wire1");

        JsonObject asset = await _app.GetAssetAsync("model", "wire-model");
        Assert.Equal(
            ["type", "id", "name", "tenant", "scope", "state", "version", "first_seen", "last_seen", "last_changed", "attributes", "attribute_sources", "provenance", "observed", "metadata", "sources"],
            asset.Select(p => p.Key));
        Assert.Null(asset["observed"]);
        Assert.Equal("declared", (string?)asset["provenance"]);
        Assert.Equal(["instance", "version", "state", "first_seen", "last_seen"], Assert.Single(asset["sources"]!.AsArray())!.AsObject().Select(p => p.Key));

        JsonObject models = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/models?instance=wire1"))!;
        Assert.Equal(["models", "count", "truncated"], models.Select(p => p.Key));
        JsonObject grouped = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/assets?instance=wire1"))!;
        Assert.Equal(["assets", "lineage", "totals", "timestamp", "discovering", "tenant", "limit", "truncated", "lineage_truncated", "inventory"], grouped.Select(p => p.Key));
        Assert.Equal(grouped["assets"]!.AsObject().Select(p => p.Key), grouped["totals"]!.AsObject().Select(p => p.Key));
        JsonObject lineage = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/lineage?source_id=wire-agent"))!;
        Assert.Equal(["relationships", "count", "truncated"], lineage.Select(p => p.Key));
        Assert.Equal(1, (int)lineage["count"]!);
    }
}

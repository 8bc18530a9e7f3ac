using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>GET /api/v1/changes against the real app on Azurite: the change feed's events, per tenant and asset, from a cursor, retained for a while.</summary>
public sealed class ChangesApiTests
{
    private const string KeyA = "changes-key-tenant-a-0123456789";
    private const string KeyB = "changes-key-tenant-b-0123456789";

    [Fact]
    public async Task Changes_AfterScans_AreTheFeedsEventsInOrder_PagedByCursor_PerTenantAndAsset()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?>
        {
            ["Api:Keys"] = $"{KeyA}@tenant-a;{KeyB}@tenant-b",
            ["ChangeLog:Settle"] = "00:00:00",
        });
        using HttpClient a = Client(app, KeyA);
        using HttpClient b = Client(app, KeyB);
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        source.Put(AssetTypes.Model, "m2", "s", "m2");
        source.Put(AssetTypes.Endpoint, "https://host/e1", "s", "e1");
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("api/v1/instances", Instance("one", source))).StatusCode);
        await RefreshAsync(app, a, "one");

        // The whole log: the same events, ids and order as the change feed delivered.
        JsonObject all = await GetAsync(a, "api/v1/changes");
        Assert.Equal(app.Events.Events.Select(e => e.Id), Ids(all));
        Assert.Equal(
            [ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated, ChangeEventTypes.ScanCompleted],
            all["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        JsonObject first = all["events"]![0]!.AsObject();
        Assert.Equal("1.0", first["specversion"]!.GetValue<string>());
        Assert.Equal("/tenants/tenant-a/instances/one", first["source"]!.GetValue<string>());
        Assert.Equal("endpoint", first["data"]!["asset"]!["type"]!.GetValue<string>());

        // Two rows in the log for the scan: its asset transaction's outbox row and the scan event's.
        TableClient changes = app.App.Table(TableNames.Changes);
        Assert.Equal(2, await changes.QueryAsync<TableEntity>(TableQueries.Partition("tenant-a")).CountAsync());

        // Paged two at a time, the cursor walks the same events.
        var paged = new List<string>();
        string? cursor = null;
        for (int i = 0; i < 3; i++)
        {
            JsonObject page = await GetAsync(a, "api/v1/changes?limit=2" + (cursor is null ? string.Empty : "&cursor=" + cursor));
            paged.AddRange(Ids(page));
            Assert.Equal(i < 2, page["more"]!.GetValue<bool>()); // a page that ends at the limit says more, even when the next is empty
            cursor = page["cursor"]!.GetValue<string>();
        }

        Assert.Equal(Ids(all), paged);
        Assert.False(all["more"]!.GetValue<bool>());
        JsonObject end = await GetAsync(a, "api/v1/changes?cursor=" + cursor);
        Assert.Equal(0, end["count"]!.GetValue<int>());
        Assert.False(end["more"]!.GetValue<bool>());

        // A change after the cursor: only the new events.
        source.Put(AssetTypes.Model, "m1", "s", "m1", new JsonObject { ["v"] = 2 });
        int before = app.Events.Events.Count;
        await RefreshAsync(app, a, "one");
        JsonObject next = await GetAsync(a, "api/v1/changes?cursor=" + end["cursor"]!.GetValue<string>());
        Assert.Equal(app.Events.Events.Skip(before).Select(e => e.Id), Ids(next));
        Assert.Equal([ChangeEventTypes.AssetUpdated, ChangeEventTypes.ScanCompleted], next["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));

        // One asset's history, and nothing of tenant A for tenant B.
        JsonObject m1 = await GetAsync(a, "api/v1/changes?asset=model/m1");
        Assert.Equal([ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetUpdated], m1["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        Assert.All(m1["events"]!.AsArray(), e => Assert.Equal("assets/model/m1", e!["subject"]!.GetValue<string>()));
        JsonObject endpoint = await GetAsync(a, "api/v1/changes?asset=endpoint/https://host/e1");
        Assert.Equal(1, endpoint["count"]!.GetValue<int>());
        Assert.Equal(0, (await GetAsync(b, "api/v1/changes"))["count"]!.GetValue<int>());
        Assert.Equal(0, (await GetAsync(b, "api/v1/changes?asset=model/m1"))["count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("api/v1/changes?limit=0", "limit")]
    [InlineData("api/v1/changes?limit=1001", "limit")]
    [InlineData("api/v1/changes?cursor=not-a-cursor", "cursor")]
    [InlineData("api/v1/changes?cursor=Y2wxCjAxMjMKMA", "cursor")]
    [InlineData("api/v1/changes?asset=model", "asset")]
    [InlineData("api/v1/changes?asset=Model/x", "asset")]
    [InlineData("api/v1/changes?asset=model/", "asset")]
    public async Task Changes_BadQuery_Answers400NamingTheField(string path, string field)
    {
        await using EngineApp app = await EngineApp.StartAsync();
        using HttpResponseMessage response = await app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheChangeLogReply()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        JsonObject document = (await app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;
        JsonObject get = document["paths"]!["/api/v1/changes"]!["get"]!.AsObject();
        Assert.Equal(["asset", "cursor", "limit"], get["parameters"]!.AsArray().Select(p => (string)p!["name"]!).Order());
        Assert.NotNull(get["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(get["responses"]!["400"]);
        string schemas = document["components"]!["schemas"]!.ToJsonString();
        Assert.Contains("\"cursor\"", schemas, StringComparison.Ordinal);
        Assert.Contains("\"specversion\"", schemas, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_WithoutKey_Answers401()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = KeyA });
        using HttpResponseMessage response = await app.Client.GetAsync("api/v1/changes");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Changes_OlderThanRetention_AreNotServedAndTheirRowsArePruned()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using TestApp app = await TestApp.StartAsync(
            new Dictionary<string, string?>
            {
                ["ChangeLog:Retention"] = "01:00:00",
                ["ChangeLog:PruneInterval"] = "00:10:00",
                ["ChangeLog:Settle"] = "00:00:00",
            },
            services =>
            {
                services.AddSingleton<IPluginType, FakePluginType>();
                services.AddSingleton<TimeProvider>(time);
            });
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        Assert.Equal(HttpStatusCode.Created, (await app.Client.PostAsJsonAsync("api/v1/instances", Instance("old", source))).StatusCode);
        await RefreshAsync(app, app.Client, "old");
        Assert.Equal(2, (await GetAsync(app.Client, "api/v1/changes"))["count"]!.GetValue<int>());

        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(0, (await GetAsync(app.Client, "api/v1/changes"))["count"]!.GetValue<int>());

        // The next relay after the prune interval deletes the expired rows and keeps its own.
        source.Put(AssetTypes.Model, "m2", "s", "m2");
        await RefreshAsync(app, app.Client, "old");
        JsonObject kept = await GetAsync(app.Client, "api/v1/changes");
        Assert.Equal([ChangeEventTypes.AssetCreated, ChangeEventTypes.ScanCompleted], kept["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(2, await app.Table(TableNames.Changes).QueryAsync<TableEntity>().CountAsync());
    }

    private static JsonObject Instance(string id, FakeSource source) => new()
    {
        ["plugin_type"] = FakePluginType.TypeId,
        ["instance_id"] = id,
        ["config"] = new JsonObject { ["source"] = source.Name },
    };

    private static Task RefreshAsync(EngineApp app, HttpClient client, string id) => RefreshAsync(app.App, client, id);

    private static async Task RefreshAsync(TestApp app, HttpClient client, string id)
    {
        using HttpResponseMessage response = await client.PostAsync($"api/v1/instances/{id}/refresh", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await app.Get<DiscoveryScheduler>().WhenIdleAsync();
    }

    private static async Task<JsonObject> GetAsync(HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static IEnumerable<string> Ids(JsonObject page) => page["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>());

    private static HttpClient Client(EngineApp app, string key)
    {
        var client = new HttpClient { BaseAddress = app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }
}

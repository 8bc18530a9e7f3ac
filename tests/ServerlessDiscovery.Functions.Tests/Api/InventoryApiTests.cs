using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>GET /api/v1/inventory against the real app on Azurite: the flat listing the dashboard and the CLI page through.</summary>
public sealed class InventoryApiTests
{
    [Fact]
    public async Task Inventory_AfterScans_ListsItemsFilteredByTypeInstanceTextAndState_PagedByToken()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource one = FakeSource.Create();
        one.CompletedScopes.Add("s");
        one.Put(AssetTypes.Model, "gpt-4o", "s", "GPT-4o");
        one.Put(AssetTypes.Model, "claude", "s", "Claude");
        one.Put(AssetTypes.Endpoint, "https://host/e1", "s", "chat endpoint");
        FakeSource two = FakeSource.Create();
        two.CompletedScopes.Add("s");
        two.Put(AssetTypes.Agent, "planner", "s", "Planner");
        await app.CreateFakeInstanceAsync("one", one);
        await app.CreateFakeInstanceAsync("two", two);
        await app.RefreshAsync("one");
        await app.RefreshAsync("two");

        JsonObject all = await GetAsync(app, "api/v1/inventory");
        Assert.Equal(4, all["count"]!.GetValue<int>());
        Assert.Null(all["continuationToken"]);
        Assert.Equal(["claude", "gpt-4o", "https://host/e1", "planner"], Ids(all).Order(StringComparer.Ordinal));

        Assert.Equal(["claude", "gpt-4o"], Ids(await GetAsync(app, "api/v1/inventory?type=model")).Order(StringComparer.Ordinal));
        Assert.Equal(["planner"], Ids(await GetAsync(app, "api/v1/inventory?instance=two")));
        Assert.Equal(["gpt-4o"], Ids(await GetAsync(app, "api/v1/inventory?q=GPT")));
        Assert.Equal(["https://host/e1"], Ids(await GetAsync(app, "api/v1/inventory?q=chat&provenance=declared")));
        Assert.Empty(Ids(await GetAsync(app, "api/v1/inventory?provenance=observed")));

        // One at a time, the token walks every asset once.
        var paged = new List<string>();
        string? token = null;
        do
        {
            JsonObject page = await GetAsync(app, "api/v1/inventory?limit=1" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token)));
            Assert.True(page["count"]!.GetValue<int>() <= 1);
            paged.AddRange(Ids(page));
            token = page["continuationToken"]?.GetValue<string>();
        }
        while (token is not null);
        Assert.Equal(Ids(all).Order(StringComparer.Ordinal), paged.Order(StringComparer.Ordinal));

        // A deleted asset leaves the default listing and is found by state=deleted.
        one.Remove(AssetTypes.Model, "claude");
        await app.RefreshAsync("one", force: true);
        Assert.DoesNotContain("claude", Ids(await GetAsync(app, "api/v1/inventory")));
        Assert.Equal(["claude"], Ids(await GetAsync(app, "api/v1/inventory?state=deleted")));
        Assert.Equal(["gpt-4o", "https://host/e1", "planner"], Ids(await GetAsync(app, "api/v1/inventory?state=active")).Order(StringComparer.Ordinal));

        // The summary counts what the default listing holds: deleted assets left out.
        JsonObject summary = await GetAsync(app, "api/v1/inventory/summary");
        Assert.Equal(3, summary["total"]!.GetValue<int>());
        Assert.Equal(1, summary["by_type"]!["model"]!.GetValue<int>());
        Assert.Equal(1, summary["by_type"]!["endpoint"]!.GetValue<int>());
        Assert.Equal(1, summary["by_type"]!["agent"]!.GetValue<int>());
        Assert.Equal(2, summary["by_instance"]!["one"]!.GetValue<int>());
        Assert.Equal(1, summary["by_instance"]!["two"]!.GetValue<int>());
        Assert.Equal(3, summary["by_provenance"]!["declared"]!.GetValue<int>());
        Assert.False(summary["partial"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("state=gone", "state")]
    [InlineData("provenance=guessed", "provenance")]
    [InlineData("type=Model", "type")]
    [InlineData("instance=no%20spaces", "instance")]
    [InlineData("continuationToken=not-a-token", "continuationToken")]
    public async Task Inventory_BadQuery_Answers400NamingTheField(string query, string field)
    {
        await using EngineApp app = await EngineApp.StartAsync();
        using HttpResponseMessage response = await app.Client.GetAsync("api/v1/inventory?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task Inventory_TooLongSearch_Answers400()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        using HttpResponseMessage response = await app.Client.GetAsync("api/v1/inventory?q=" + new string('x', 257));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static async Task<JsonObject> GetAsync(EngineApp app, string path)
    {
        using HttpResponseMessage response = await app.Client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static List<string> Ids(JsonObject page) => [.. page["items"]!.AsArray().Select(a => a!["id"]!.GetValue<string>())];
}

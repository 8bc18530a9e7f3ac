using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// The routes OpenCITE has and we lacked, called as its GUI calls them (src/open_cite/gui/templates/index.html:
/// submitMapping() posts /api/v1/map-tool with {plugin_name: item.discovery_source, attributes, identity:
/// {source_name}, match_type}; resetDiscoveries() posts /api/v1/reset-discoveries; the lineage frame loads
/// /api/v1/lineage-graph?t=...&amp;theme=...) and as its REST reference documents them (docs/REST_API.md, "Tool Mapping").
/// </summary>
public sealed class OpenCiteRoutesTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    [Fact]
    public async Task GuiSubmitMapping_ThenRefresh_IdentifiesTheTool_AndDeleteUndoesIt()
    {
        string tenant = await estate.SeedAsync("map");
        using HttpClient client = estate.Client(tenant);
        JsonObject before = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets");
        JsonObject tool = before["assets"]!["tools"]!.AsArray().Single(t => (string?)t!["name"] == "search_flights")!.AsObject();
        const string key = "tool_type";

        JsonObject saved = await OpenCiteEstate.PostObjectAsync(client, "api/v1/map-tool", new JsonObject
        {
            ["plugin_name"] = (string?)tool["discovery_source"],
            ["attributes"] = new JsonObject { [key] = (string?)tool["metadata"]![key] },
            ["identity"] = new JsonObject { ["source_name"] = "Flight Search" },
            ["match_type"] = "all",
        });
        JsonObject after = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets");
        JsonObject list = await OpenCiteEstate.GetObjectAsync(client, "api/v1/map-tool");
        string id = (string)saved["mapping"]!["id"]!;
        using HttpResponseMessage deleted = await client.DeleteAsync($"api/v1/map-tool/{id}");
        using HttpResponseMessage again = await client.DeleteAsync($"api/v1/map-tool/{id}");
        JsonObject undone = await OpenCiteEstate.GetObjectAsync(client, "api/v1/tools");

        Assert.True(saved["success"]!.GetValue<bool>());
        JsonObject mapped = after["assets"]!["tools"]!.AsArray().Single(t => (string?)t!["name"] == "search_flights")!.AsObject();
        Assert.Equal("Flight Search", (string?)mapped["tool_source_name"]);
        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", (string?)mapped["tool_source_id"]);
        Assert.Equal(id, (string?)list["mappings"]!.AsArray().Single()!["id"]);
        Assert.True(JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["removed"]!.GetValue<bool>());
        Assert.False(JsonNode.Parse(await again.Content.ReadAsStringAsync())!["removed"]!.GetValue<bool>());
        Assert.Null(undone["tools"]!.AsArray().Single()!["tool_source_name"]);
    }

    [Fact]
    public async Task RestReferenceMapTool_IdentityToolName_AndAnyMatch_AreAccepted()
    {
        string tenant = await estate.SeedAsync("mapref");
        using HttpClient client = estate.Client(tenant);

        JsonObject saved = await OpenCiteEstate.PostObjectAsync(client, "api/v1/map-tool", new JsonObject
        {
            ["plugin_name"] = "opentelemetry",
            ["attributes"] = new JsonObject { ["service.name"] = "my-app", ["instance"] = "otlp" },
            ["identity"] = new JsonObject { ["tool_name"] = "My Application", ["tool_type"] = "application" },
            ["match_type"] = "any",
        });
        JsonObject tools = await OpenCiteEstate.GetObjectAsync(client, "api/v1/tools");

        Assert.Equal("My Application", (string?)saved["mapping"]!["identity"]!["source_name"]);
        // "any": the tool's metadata.instance is "otlp", one of the two attributes, so it matches.
        Assert.Equal("My Application", (string?)tools["tools"]!.AsArray().Single()!["tool_source_name"]);
    }

    [Fact]
    public async Task MapTool_SavingTheSameAttributesAgain_ReplacesTheIdentity()
    {
        using HttpClient client = estate.Client("map-same-" + Guid.NewGuid().ToString("N")[..8]);
        JsonObject Body(string name) => new()
        {
            ["plugin_name"] = "opentelemetry",
            ["attributes"] = new JsonObject { ["service.name"] = "svc" },
            ["identity"] = new JsonObject { ["source_name"] = name },
        };

        JsonObject first = await OpenCiteEstate.PostObjectAsync(client, "api/v1/map-tool", Body("One"));
        JsonObject second = await OpenCiteEstate.PostObjectAsync(client, "api/v1/map-tool", Body("Two"));
        JsonObject list = await OpenCiteEstate.GetObjectAsync(client, "api/v1/map-tool");

        Assert.Equal((string?)first["mapping"]!["id"], (string?)second["mapping"]!["id"]);
        Assert.Equal("Two", (string?)list["mappings"]!.AsArray().Single()!["identity"]!["source_name"]);
    }

    [Theory]
    [InlineData("{}", "plugin_name")]
    [InlineData("{\"plugin_name\":\"opentelemetry\",\"identity\":{\"source_name\":\"x\"}}", "attributes")]
    [InlineData("{\"plugin_name\":\"opentelemetry\",\"attributes\":{\"a\":\"b\"}}", "identity")]
    [InlineData("{\"plugin_name\":\"opentelemetry\",\"attributes\":{\"a\":{\"nested\":1}},\"identity\":{\"source_name\":\"x\"}}", "attributes.a")]
    [InlineData("{\"plugin_name\":\"opentelemetry\",\"attributes\":{\"a\":\"b\"},\"identity\":{\"source_name\":\"x\"},\"match_type\":\"some\"}", "match_type")]
    public async Task MapTool_MissingOrBadFields_Answer400NamingThem(string body, string field)
    {
        using HttpClient client = estate.Client("map-bad");

        using HttpResponseMessage response = await client.PostAsync("api/v1/map-tool", new StringContent(body, Encoding.UTF8, "application/json"));

        await OpenCiteEstate.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task MapTool_DeleteBadId_Answers400()
    {
        using HttpClient client = estate.Client("map-bad-id");

        using HttpResponseMessage response = await client.DeleteAsync("api/v1/map-tool/NOT-AN-ID");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task GuiResetDiscoveries_DeletesEveryAssetAsRecordedDeletions_AndKeepsInstances()
    {
        string tenant = await estate.SeedAsync("reset");
        using HttpClient client = estate.Client(tenant);
        int before = (await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?limit=1000"))["count"]!.GetValue<int>();

        JsonObject reset = await OpenCiteEstate.PostObjectAsync(client, "api/v1/reset-discoveries", null);
        await estate.App.App.Get<OutboxRelay>().RelayAsync(tenant, "catalog");
        await estate.App.App.Get<OutboxRelay>().RelayAsync(tenant, "otlp");
        JsonObject assets = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets");
        JsonObject deleted = await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?state=deleted&limit=1000");
        JsonObject lineage = await OpenCiteEstate.GetObjectAsync(client, "api/v1/lineage");
        JsonObject instances = await OpenCiteEstate.GetObjectAsync(client, "api/v1/instances");

        Assert.True(reset["success"]!.GetValue<bool>());
        Assert.Equal(before, reset["assets_deleted"]!.GetValue<int>());
        Assert.All(assets["totals"]!.AsObject(), t => Assert.Equal(0, t.Value!.GetValue<int>()));
        Assert.Equal(before, deleted["count"]!.GetValue<int>());
        Assert.All(deleted["items"]!.AsArray(), a => Assert.Contains("reset-discoveries", (string?)a!["reason"], StringComparison.Ordinal));
        Assert.Equal(0, lineage["count"]!.GetValue<int>());
        Assert.Equal(2, instances["count"]!.GetValue<int>());
        string source = ChangeEvent.SourceFor(tenant, "otlp");
        Assert.Contains(estate.App.Events.Events, e => e.Type == ChangeEventTypes.AssetDeleted && e.Source == source && e.Subject == "assets/model/openai/gpt-4o");
        Assert.Equal(before, estate.App.Events.Events.Count(e => e.Type == ChangeEventTypes.AssetDeleted && e.Source.StartsWith($"/tenants/{tenant}/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ResetDiscoveries_ThenTheNextScan_RestoresWhatTheSourceStillDeclares()
    {
        string tenant = await estate.SeedAsync("restore");
        using HttpClient client = estate.Client(tenant);
        await OpenCiteEstate.PostObjectAsync(client, "api/v1/reset-discoveries", null);

        using (HttpResponseMessage refresh = await client.PostAsync("api/v1/instances/catalog/refresh", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, refresh.StatusCode);
        }

        await estate.App.App.Get<Engine.Scanning.DiscoveryScheduler>().WhenIdleAsync();
        JsonObject assets = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets");

        Assert.Equal(1, assets["totals"]!["mcp_servers"]!.GetValue<int>());
        Assert.Equal(0, assets["totals"]!["agents"]!.GetValue<int>());
    }

    [Fact]
    public async Task GuiLineageFrame_LineageGraph_RedirectsToTheDashboardWithoutAKey()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = estate.App.App.BaseAddress };

        using HttpResponseMessage response = await client.GetAsync($"api/v1/lineage-graph?t={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}&theme=opencite");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ui/#/lineage", response.Headers.Location?.OriginalString);
    }
}

/// <summary>reset-discoveries with API keys: OpenCITE lets any caller wipe everything; here only an admin key may.</summary>
public sealed class ResetDiscoveriesKeyTests : IAsyncLifetime
{
    private const string TenantKey = "key-for-tenant-r-0123456789";
    private const string AdminKey = "admin-key-any-tenant-0123456789";
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = $"{TenantKey}@tenant-r;{AdminKey}" });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    /// <summary>Deliberate difference: a tenant-bound key cannot reset; the admin key can, for the tenant it names.</summary>
    [Fact]
    public async Task TenantKey_Answers403_AdminKeyResets()
    {
        using var tenantClient = new HttpClient { BaseAddress = _app.App.BaseAddress };
        tenantClient.DefaultRequestHeaders.Add("x-api-key", TenantKey);
        using var adminClient = new HttpClient { BaseAddress = _app.App.BaseAddress };
        adminClient.DefaultRequestHeaders.Add("x-api-key", AdminKey);
        adminClient.DefaultRequestHeaders.Add("X-Integration-Id", "tenant-r");

        using HttpResponseMessage refused = await tenantClient.PostAsync("api/v1/reset-discoveries", null);
        using var anonymousClient = new HttpClient { BaseAddress = _app.App.BaseAddress };
        using HttpResponseMessage anonymous = await anonymousClient.PostAsync("api/v1/reset-discoveries", null);
        using HttpResponseMessage admin = await adminClient.PostAsync("api/v1/reset-discoveries", null);
        JsonObject done = (await admin.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.True(done["success"]!.GetValue<bool>());
        Assert.Equal("tenant-r", (string?)done["tenant"]);
    }
}

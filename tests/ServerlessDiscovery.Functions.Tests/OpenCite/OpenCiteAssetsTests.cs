using System.Net;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// GET /api/v1/assets, the per-type lists and /api/v1/lineage as OpenCITE's clients call and read them: its GUI's
/// refreshAssets() and render functions (src/open_cite/gui/templates/index.html: fetch('/api/v1/assets'), then
/// data.assets.*, data.lineage, data.totals) and its REST reference (docs/REST_API.md, "Assets"); the paged flat
/// listing that replaced the old /api/v1/assets at /api/v1/inventory.
/// </summary>
public sealed class OpenCiteAssetsTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    private static readonly string[] Categories = ["tools", "models", "agents", "downstream_systems", "mcp_servers", "mcp_tools", "mcp_resources", "data_assets"];

    [Fact]
    public async Task GuiRefreshAssets_Assets_ListsEveryCategoryWithTheFieldsItsCardsRead()
    {
        string tenant = await estate.SeedAsync("gui");
        using HttpClient client = estate.Client(tenant);

        JsonObject data = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets");

        JsonObject assets = data["assets"]!.AsObject();
        foreach (string category in Categories)
        {
            Assert.Equal(assets[category]!.AsArray().Count, data["totals"]![category]!.GetValue<int>());
        }

        JsonObject tool = Single(assets, "tools", "search_flights");
        Assert.Equal("unknown", (string?)tool["type"]);
        Assert.Equal("opentelemetry", (string?)tool["discovery_source"]);
        Assert.Equal("tool", (string?)tool["asset_type"]);
        Assert.NotNull(tool["models"]!.AsArray());
        Assert.Null(tool["tool_source_name"]);

        JsonObject model = Single(assets, "models", "openai/gpt-4o");
        Assert.Equal("openai", (string?)model["provider"]);
        Assert.Equal(1, model["usage_count"]!.GetValue<long>());
        Assert.Equal(120, model["total_input_tokens"]!.GetValue<long>());
        Assert.Equal(30, model["total_output_tokens"]!.GetValue<long>());
        Assert.Equal("azure", (string?)Single(assets, "models", "azure/chat-deployment")["provider"]);

        JsonObject agent = Single(assets, "agents", "planner");
        Assert.Equal(["openai/gpt-4o"], agent["models_used"]!.AsArray().Select(m => (string?)m));
        Assert.Equal(["search_flights"], agent["tools_used"]!.AsArray().Select(m => (string?)m));
        Assert.NotNull(agent["first_seen"]);
        Assert.NotNull(agent["last_seen"]);

        JsonObject payments = Single(assets, "downstream_systems", "http/payments");
        Assert.Equal("http", (string?)payments["type"]);
        Assert.Equal("https://payments.example/v1", (string?)payments["endpoint"]);
        Assert.NotNull(payments["tools_connecting"]!.AsArray());

        // OpenCITE's _reclassify_downstream: a database is listed as a data asset, not as a downstream system.
        Assert.Equal("database", (string?)Single(assets, "data_assets", "database/postgresql/orders")["type"]);
        Assert.DoesNotContain(assets["downstream_systems"]!.AsArray(), d => (string?)d!["id"] == "database/postgresql/orders");
        JsonObject catalog = Single(assets, "data_assets", "main");
        Assert.Equal("catalog", (string?)catalog["type"]);
        Assert.Equal("data-team", (string?)catalog["owner"]);

        JsonObject server = Single(assets, "mcp_servers", OpenCiteEstate.McpServerId);
        Assert.Equal("http", (string?)server["transport"]);
        Assert.Equal(1, server["tools_count"]!.GetValue<int>());
        Assert.Equal(1, server["resources_count"]!.GetValue<int>());
        Assert.Equal(OpenCiteEstate.McpServerId, (string?)Single(assets, "mcp_tools", OpenCiteEstate.McpToolId)["server_id"]);
        JsonObject resource = Single(assets, "mcp_resources", OpenCiteEstate.McpResourceId);
        Assert.Equal("file:///docs/readme.md", (string?)resource["uri"]);
        Assert.Equal(OpenCiteEstate.McpServerId, (string?)resource["server_id"]);

        Assert.All(assets.SelectMany(c => c.Value!.AsArray()), item => Assert.Equal([tenant], item!["metadata"]!["integration_ids"]!.AsArray().Select(i => (string?)i)));
        Assert.Contains(data["lineage"]!.AsArray(), r => (string?)r!["source_id"] == "planner" && (string?)r["relationship_type"] == "uses_model"
            && (string?)r["target_id"] == "openai/gpt-4o" && r["weight"]!.GetValue<int>() == 1 && r["first_seen"] is not null);
        Assert.True(DateTimeOffset.TryParse((string?)data["timestamp"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(data["discovering"]!.GetValue<bool>());
        Assert.False(data["truncated"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("models", "models")]
    [InlineData("model", "models")]
    [InlineData("mcp_server", "mcp_servers")]
    [InlineData("downstream_systems", "downstream_systems")]
    public async Task RestReference_AssetsType_OnlyThatCategoryHasItems(string type, string category)
    {
        string tenant = await estate.SeedAsync("type");
        using HttpClient client = estate.Client(tenant);

        JsonObject data = await OpenCiteEstate.GetObjectAsync(client, $"api/v1/assets?type={type}");

        JsonObject totals = data["totals"]!.AsObject();
        Assert.True(totals[category]!.GetValue<int>() > 0);
        Assert.All(totals.Where(t => t.Key != category && !(category == "downstream_systems" && t.Key == "data_assets")), t => Assert.Equal(0, t.Value!.GetValue<int>()));
    }

    [Fact]
    public async Task AssetsType_Unknown_AnswersEmptyListsAsOpenCiteDoes()
    {
        string tenant = await estate.SeedAsync("unknown");
        using HttpClient client = estate.Client(tenant);

        JsonObject data = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets?type=spaceships");

        Assert.All(data["totals"]!.AsObject(), t => Assert.Equal(0, t.Value!.GetValue<int>()));
    }

    /// <summary>Deliberate difference: OpenCITE returns the whole estate at once; we stop at a cap and say so.</summary>
    [Fact]
    public async Task Assets_OverTheLimit_IsTruncatedAndSaysSo()
    {
        string tenant = await estate.SeedAsync("cap");
        using HttpClient client = estate.Client(tenant);

        JsonObject data = await OpenCiteEstate.GetObjectAsync(client, "api/v1/assets?limit=2");

        Assert.True(data["truncated"]!.GetValue<bool>());
        Assert.Equal(2, data["totals"]!.AsObject().Sum(t => t.Value!.GetValue<int>()));
        Assert.Equal(2, data["limit"]!.GetValue<int>());
        Assert.Equal("/api/v1/inventory", (string?)data["inventory"]);
    }

    [Theory]
    [InlineData("api/v1/assets?limit=0", "limit")]
    [InlineData("api/v1/assets?limit=10001", "limit")]
    [InlineData("api/v1/assets?provenance=maybe", "provenance")]
    [InlineData("api/v1/assets?instance=..%2Fx", "instance")]
    [InlineData("api/v1/assets?type=Tools%3B", "type")]
    [InlineData("api/v1/inventory?state=gone", "state")]
    [InlineData("api/v1/inventory?limit=1001", "limit")]
    [InlineData("api/v1/models?provenance=all", "provenance")]
    public async Task BadFilters_Answer400NamingTheField(string path, string field)
    {
        using HttpClient client = estate.Client("bad-filters");

        using HttpResponseMessage response = await client.GetAsync(path);

        await OpenCiteEstate.AssertNamesFieldAsync(response, field);
    }

    [Fact]
    public async Task Assets_SearchTextTooLong_Answers400()
    {
        using HttpClient client = estate.Client("bad-q");

        using HttpResponseMessage response = await client.GetAsync("api/v1/assets?q=" + new string('x', 257));

        await OpenCiteEstate.AssertNamesFieldAsync(response, "q");
    }

    [Fact]
    public async Task RestReference_PerTypeLists_UseOpenCiteKeysAndItemFields()
    {
        string tenant = await estate.SeedAsync("lists");
        using HttpClient client = estate.Client(tenant);

        JsonObject downstream = await OpenCiteEstate.GetObjectAsync(client, "api/v1/downstream");
        JsonObject servers = await OpenCiteEstate.GetObjectAsync(client, "api/v1/mcp/servers");
        JsonObject tools = await OpenCiteEstate.GetObjectAsync(client, $"api/v1/mcp/tools?server_id={Uri.EscapeDataString(OpenCiteEstate.McpServerId)}");
        JsonObject noTools = await OpenCiteEstate.GetObjectAsync(client, "api/v1/mcp/tools?server_id=elsewhere");
        JsonObject models = await OpenCiteEstate.GetObjectAsync(client, "api/v1/models");
        JsonObject agents = await OpenCiteEstate.GetObjectAsync(client, "api/v1/agents");

        // /downstream lists every downstream system (database included): OpenCITE reclassifies only in /assets.
        Assert.Equal(2, downstream["count"]!.GetValue<int>());
        Assert.Equal(2, downstream["downstream_systems"]!.AsArray().Count);
        Assert.Equal(1, servers["servers"]!.AsArray().Single()!["tools_count"]!.GetValue<int>());
        Assert.Equal(OpenCiteEstate.McpToolId, (string?)tools["tools"]!.AsArray().Single()!["id"]);
        Assert.Equal(0, noTools["count"]!.GetValue<int>());
        Assert.Contains(models["models"]!.AsArray(), m => m!["usage_count"]!.GetValue<long>() == 1 && m["total_input_tokens"]!.GetValue<long>() == 120);
        Assert.Equal(["search_flights"], agents["agents"]!.AsArray().Single()!["tools_used"]!.AsArray().Select(t => (string?)t));
    }

    [Fact]
    public async Task RestReference_Lineage_RelationshipsInOpenCiteShape()
    {
        string tenant = await estate.SeedAsync("lineage");
        using HttpClient client = estate.Client(tenant);

        JsonObject all = await OpenCiteEstate.GetObjectAsync(client, "api/v1/lineage");
        JsonObject fromPlanner = await OpenCiteEstate.GetObjectAsync(client, "api/v1/lineage?source_id=planner");

        Assert.Equal(all["relationships"]!.AsArray().Count, all["count"]!.GetValue<int>());
        Assert.Contains(all["relationships"]!.AsArray(), r => (string?)r!["source_type"] == "mcp_server" && (string?)r["relationship_type"] == "contains" && (string?)r["target_id"] == OpenCiteEstate.McpToolId);
        Assert.All(fromPlanner["relationships"]!.AsArray(), r =>
        {
            Assert.Equal("planner", (string?)r!["source_id"]);
            Assert.Equal(1, r["weight"]!.GetValue<int>());
            Assert.NotNull(r["last_seen"]);
        });
        Assert.Equal(["uses_model", "uses_tool"], fromPlanner["relationships"]!.AsArray().Select(r => (string?)r!["relationship_type"]).Order());
    }

    [Fact]
    public async Task Inventory_PagesThroughEveryAssetWithItemsCountAndToken()
    {
        string tenant = await estate.SeedAsync("pages");
        using HttpClient client = estate.Client(tenant);
        JsonObject whole = await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?limit=1000");
        var seen = new List<string>();
        string? token = null;
        int pages = 0;

        do
        {
            JsonObject page = await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?limit=2" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token)));
            Assert.Equal(page["items"]!.AsArray().Count, page["count"]!.GetValue<int>());
            seen.AddRange(page["items"]!.AsArray().Select(a => $"{a!["type"]}/{a["id"]}"));
            token = (string?)page["continuationToken"];
            pages++;
        }
        while (token is not null && pages < 50);

        Assert.Null(whole["continuationToken"]);
        Assert.Equal(whole["items"]!.AsArray().Select(a => $"{a!["type"]}/{a["id"]}").Order(), seen.Order());
        Assert.True(pages > 1);
        Assert.Contains("model/openai/gpt-4o", seen);
    }

    [Fact]
    public async Task Inventory_StateAndTypeFilters()
    {
        string tenant = await estate.SeedAsync("state");
        using HttpClient client = estate.Client(tenant);

        JsonObject active = await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?state=active&type=mcp_tool");
        JsonObject deleted = await OpenCiteEstate.GetObjectAsync(client, "api/v1/inventory?state=deleted");

        Assert.Equal([OpenCiteEstate.McpToolId], active["items"]!.AsArray().Select(a => (string?)a!["id"]));
        Assert.Equal(0, deleted["count"]!.GetValue<int>());
    }

    private static JsonObject Single(JsonObject assets, string category, string id) =>
        Assert.Single(assets[category]!.AsArray(), a => (string?)a!["id"] == id)!.AsObject();
}

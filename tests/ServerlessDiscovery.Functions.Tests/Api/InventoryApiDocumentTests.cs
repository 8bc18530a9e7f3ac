using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Tests.OpenCite;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// GET /inventory's reply: the wire JSON of the envelope (<c>{items, count, continuationToken}</c>, the token null on
/// the last page) and of each item (the asset as change events carry it: nulls kept, usage on trace-derived assets,
/// reason and state_changed_at on deleted ones) keeps its members, order and forms (pinned by <see cref="WireShape"/>);
/// the OpenAPI document names the 200 reply's schema and lists the 400 problem.
/// </summary>
public sealed class InventoryApiDocumentTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    /// <summary>The fields every item starts with, as <c>AssetDocument</c> writes them.</summary>
    private const string Head = "{type:string,id:string,name:string,tenant:string,instance:string,";

    [Fact]
    public async Task OpenApi_Inventory_Describes200WithItsSchemaAndItsProblem()
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]!["/api/v1/inventory"]!["get"]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/InventoryPage", (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal(["items", "count", "continuationToken"], document["components"]!["schemas"]!["InventoryPage"]!["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["200", "400", "401", "503"], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(responses["400"]!["content"]!["application/problem+json"]);
    }

    [Fact]
    public async Task Replies_FirstPageLastPageAndDeleted_KeepTheirWireShape()
    {
        string tenant = await estate.SeedAsync("inventory-wire");
        using HttpClient client = estate.Client(tenant);

        string all = await GetAsync(client, "api/v1/inventory?limit=1000");
        string first = await GetAsync(client, "api/v1/inventory?limit=1");
        string traced = await GetAsync(client, "api/v1/inventory?limit=1000&provenance=observed");
        await OpenCiteEstate.PostObjectAsync(client, "api/v1/reset-discoveries", null);
        string deleted = await GetAsync(client, "api/v1/inventory?limit=1000&state=deleted");

        Assert.StartsWith("{items:[" + Head, WireShape.Of(all), StringComparison.Ordinal);
        Assert.EndsWith("],count:int,continuationToken:null}", WireShape.Of(all), StringComparison.Ordinal);
        Assert.StartsWith("{items:[" + Head, WireShape.Of(first), StringComparison.Ordinal);
        Assert.EndsWith("],count:int,continuationToken:string}", WireShape.Of(first), StringComparison.Ordinal);
        Assert.Equal("{items:[],count:int,continuationToken:null}", WireShape.Of(await GetAsync(client, "api/v1/inventory?type=no_such_type")));
        Assert.Equal(Expected.Declared, ItemShape(all, "azure/chat-deployment"));
        Assert.Equal(Expected.Traced, ItemShape(traced, "openai/gpt-4o"));
        Assert.Equal(Expected.Deleted, ItemShape(deleted, "azure/chat-deployment"));
    }

    /// <summary>The shape of the item with <paramref name="id"/>, read from the reply's raw text.</summary>
    private static string ItemShape(string reply, string id)
    {
        using JsonDocument document = JsonDocument.Parse(reply);
        JsonElement item = document.RootElement.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        return WireShape.Of(item.GetRawText());
    }

    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        using HttpResponseMessage response = await client.GetAsync(path);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return text;
    }

    private static class Expected
    {
        public const string Declared =
            "{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{environment:string,provider:string},attribute_sources:{environment:string,provider:string},provenance:string,observed:null,metadata:{integration_ids:[string]}}";
        public const string Traced =
            "{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{model:string,provider:string},attribute_sources:{model:string,provider:string},provenance:string,observed:{first_invocation:time,last_invocation:time,invocations:int,input_tokens:int,output_tokens:int,services:[],agents:[]},metadata:{integration_ids:[string]},usage:{invocations:int,input_tokens:int,output_tokens:int,last_invoked:time}}";
        public const string Deleted =
            "{type:string,id:string,name:string,tenant:string,instance:string,scope:string,state:string,version:int,first_seen:time,last_seen:time,last_changed:time,attributes:{environment:string,provider:string},attribute_sources:{environment:string,provider:string},provenance:string,observed:null,metadata:{integration_ids:[string]},reason:string,state_changed_at:time}";
    }
}

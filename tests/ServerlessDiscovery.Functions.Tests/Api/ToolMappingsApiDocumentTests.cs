using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Tests.OpenCite;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The /map-tool routes' replies as OpenCITE's GUI and REST reference read them (docs/REST_API.md, "Tool Mapping":
/// <c>{success, mapping}</c>; our list and delete beside it): the wire JSON keeps its members, order and forms (pinned
/// by <see cref="WireShape"/>, the timestamp as System.Text.Json writes a DateTimeOffset, attribute values as text);
/// the OpenAPI document names each 200 reply's schema, lists its problems and describes the save body.
/// </summary>
public sealed class ToolMappingsApiDocumentTests(OpenCiteEstate estate) : IClassFixture<OpenCiteEstate>
{
    private const string Mapping = "{id:string,plugin_name:string,attributes:{service.name:string,port:string,internal:string},identity:{source_name:string,source_id:string},match_type:string,created_at:time}";

    [Theory]
    [InlineData("/api/v1/map-tool", "post", "ToolMappingSaved", new[] { "400", "409", "413", "415" })]
    [InlineData("/api/v1/map-tool", "get", "ToolMappingList", new string[0])]
    [InlineData("/api/v1/map-tool/{id}", "delete", "ToolMappingDeleted", new[] { "400" })]
    public async Task OpenApi_MapToolRoute_Describes200WithItsSchemaAndItsProblems(string path, string method, string schema, string[] problems)
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]![path]![method]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/" + schema, (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotEmpty(document["components"]!["schemas"]![schema]!["properties"]!.AsObject());
        // 400 (malformed tenant id), 401 and 503 are every route's (OpenApiCoverageTests).
        Assert.Equal(["200", .. problems.Union(["400", "401", "503"]).Order(StringComparer.Ordinal)], responses.Select(r => r.Key).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.NotNull(responses[p]!["content"]!["application/problem+json"]));
    }

    [Fact]
    public async Task OpenApi_Save_DescribesItsBody()
    {
        JsonObject document = (await estate.App.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject body = document["paths"]!["/api/v1/map-tool"]!["post"]!["requestBody"]!.AsObject();
        Assert.True((bool)body["required"]!);
        JsonObject schema = body["content"]!["application/json"]!["schema"]!.AsObject();
        Assert.Equal(["plugin_name", "attributes", "identity"], schema["required"]!.AsArray().Select(f => (string)f!));
        Assert.Equal(["plugin_name", "attributes", "identity", "match_type"], schema["properties"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["source_name", "tool_name"], ResolveProperties(document, schema["properties"]!["identity"]!.AsObject()));
    }

    [Fact]
    public async Task Replies_SaveListDelete_KeepTheirWireShape()
    {
        using HttpClient client = estate.Client("map-wire-" + Guid.NewGuid().ToString("N")[..8]);
        var body = new JsonObject
        {
            ["plugin_name"] = "opentelemetry",
            ["attributes"] = new JsonObject { ["service.name"] = "wire-app", ["port"] = 8080, ["internal"] = true },
            ["identity"] = new JsonObject { ["tool_name"] = "Wire Application" },
        };

        (string saved, string savedText) = await SendAsync(client, HttpMethod.Post, "api/v1/map-tool", body);
        JsonObject mapping = JsonNode.Parse(savedText)!["mapping"]!.AsObject();
        string id = (string)mapping["id"]!;
        (string listed, string listedText) = await SendAsync(client, HttpMethod.Get, "api/v1/map-tool", null);
        (string removed, _) = await SendAsync(client, HttpMethod.Delete, $"api/v1/map-tool/{id}", null);
        (string again, _) = await SendAsync(client, HttpMethod.Delete, $"api/v1/map-tool/{id}", null);
        (string empty, _) = await SendAsync(client, HttpMethod.Get, "api/v1/map-tool", null);

        Assert.Equal("{success:true,mapping:" + Mapping + "}", saved);
        Assert.Equal("{mappings:[" + Mapping + "],count:int}", listed);
        Assert.Equal("{success:true,removed:true}", removed);
        Assert.Equal("{success:true,removed:false}", again);
        Assert.Equal("{mappings:[],count:int}", empty);
        Assert.Equal("all", (string?)mapping["match_type"]);
        Assert.Equal(["wire-app", "8080", "true"], mapping["attributes"]!.AsObject().Select(a => (string?)a.Value));
        Assert.Matches(@"""created_at"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?\+00:00""", savedText);
        Assert.Matches(@"""created_at"":""\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,7})?\+00:00""", listedText);
    }

    /// <summary>The property names of an inline schema or of the component it refers to.</summary>
    private static IEnumerable<string> ResolveProperties(JsonObject document, JsonObject schema) =>
        (schema["$ref"] is { } reference ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]!.AsObject() : schema)["properties"]!.AsObject().Select(p => p.Key);

    /// <summary>The shape and text of a 200 reply, whose content type is JSON in UTF-8 as before.</summary>
    private static async Task<(string Shape, string Text)> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using HttpResponseMessage response = await client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (WireShape.Of(text), text);
    }
}

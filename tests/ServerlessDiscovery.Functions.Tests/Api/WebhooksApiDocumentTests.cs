using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The webhook routes' typed replies: the OpenAPI document describes each 200 reply with a named schema, and the wire
/// JSON keeps OpenCITE's members first, then ours, in order, with the secret only when it is new (pinned by <see cref="WireShape"/>).
/// </summary>
public sealed class WebhooksApiDocumentTests : IAsyncLifetime
{
    private const string Subscription = "{url:string,headers:{Authorization:string},events:[string],opencite_signature:false,created_at:time,updated_at:time}";
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await EngineApp.StartAsync(Webhook.Settings());
        await _app.CreateFakeInstanceAsync("hookwire", FakeSource.Create());
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Theory]
    [InlineData("get", "WebhookList", false)]
    [InlineData("post", "WebhookSubscribedReply", true)]
    [InlineData("delete", "WebhookUnsubscribedReply", true)]
    public async Task OpenApi_WebhookRoute_Describes200WithItsSchemaAndItsProblems(string method, string schema, bool validatesInput)
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject responses = document["paths"]!["/api/v1/instances/{id}/webhooks"]![method]!["responses"]!.AsObject();
        Assert.Equal("#/components/schemas/" + schema, (string?)responses["200"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.NotEmpty(document["components"]!["schemas"]![schema]!["properties"]!.AsObject());
        Assert.NotNull(responses["404"]);
        // 400 (malformed tenant id), 401 and 503 are every route's (OpenApiCoverageTests); a route that validates its own input says so with a validation problem.
        Assert.Equal(validatesInput, (string?)responses["400"]!["content"]!["application/problem+json"]!["schema"]!["$ref"] == "#/components/schemas/HttpValidationProblemDetails");
    }

    [Fact]
    public async Task OpenApi_SubscribeAndUnsubscribe_DescribeTheirBodies()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        JsonObject route = document["paths"]!["/api/v1/instances/{id}/webhooks"]!.AsObject();
        Assert.True((bool)route["post"]!["requestBody"]!["required"]!);
        JsonObject subscribe = route["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.AsObject();
        Assert.Equal(["url"], subscribe["required"]!.AsArray().Select(f => (string)f!));
        Assert.Equal(["url", "headers", "events", "secret", "rotate_secret", "opencite_signature"], subscribe["properties"]!.AsObject().Select(p => p.Key));
        Assert.False((bool?)route["delete"]!["requestBody"]!["required"] ?? false);
        JsonObject unsubscribe = route["delete"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.AsObject();
        Assert.Equal(["url"], unsubscribe["properties"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Replies_SubscribeListUnsubscribe_KeepTheirWireShape()
    {
        var body = new JsonObject
        {
            ["url"] = "http://localhost/hooks/wire",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer wire-shape-token" },
            ["events"] = new JsonArray("ServerlessDiscovery.Asset.*"),
        };

        Assert.Equal("{success:true,added:true,webhooks:[string],subscription:" + Subscription + ",secret:string}", await SendAsync(HttpMethod.Post, body));
        Assert.Equal("{success:true,added:false,webhooks:[string],subscription:" + Subscription + "}", await SendAsync(HttpMethod.Post, body));
        Assert.Equal("{webhooks:[string],subscriptions:[" + Subscription + "],count:int}", WireShape.Of(await _app.Client.GetStringAsync("api/v1/instances/hookwire/webhooks")));
        Assert.Equal("{success:true,removed:true,webhooks:[]}", await SendAsync(HttpMethod.Delete, new JsonObject { ["url"] = "http://localhost/hooks/wire" }));
        Assert.Equal("{webhooks:[],subscriptions:[],count:int}", WireShape.Of(await _app.Client.GetStringAsync("api/v1/instances/hookwire/webhooks")));
    }

    private async Task<string> SendAsync(HttpMethod method, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, "api/v1/instances/hookwire/webhooks") { Content = JsonContent.Create(body) };
        using HttpResponseMessage response = await _app.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return WireShape.Of(text);
    }
}

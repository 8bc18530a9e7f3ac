using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>
/// The instances routes' typed replies: the OpenAPI document describes their bodies and replies, and the wire JSON
/// keeps OpenCITE's shape (fields without a value sent as null, optional ones left out only where they were before).
/// </summary>
public sealed class InstancesApiDocumentTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync();

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task OpenApi_InstanceRoutes_DescribeRequestBodiesAndReplies()
    {
        JsonObject document = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;
        JsonObject instances = document["paths"]!["/api/v1/instances"]!.AsObject();
        JsonObject one = document["paths"]!["/api/v1/instances/{id}"]!.AsObject();

        Assert.NotNull(instances["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.True((bool)instances["post"]!["requestBody"]!["required"]!);
        Assert.NotNull(instances["post"]!["responses"]!["201"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(instances["post"]!["responses"]!["400"]);
        Assert.NotNull(instances["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(one["put"]!["requestBody"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(one["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(one["delete"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]);
        JsonObject refresh = document["paths"]!["/api/v1/instances/{id}/refresh"]!["post"]!.AsObject();
        Assert.False((bool?)refresh["requestBody"]!["required"] ?? false);
        Assert.NotNull(refresh["responses"]!["202"]!["content"]!["application/json"]!["schema"]);
        Assert.NotNull(document["paths"]!["/api/v1/plugins/configure"]!["post"]!["requestBody"]);

        JsonObject schemas = document["components"]!["schemas"]!.AsObject();
        JsonObject reply = schemas["InstanceReply"]!["properties"]!.AsObject();
        foreach (string field in new[] { "instance_id", "plugin_type", "display_name", "status", "config", "webhooks", "schedule", "enabled", "auto_start", "last_scan_run_id", "next_run" })
        {
            Assert.True(reply.ContainsKey(field), $"InstanceReply has no {field}.");
        }

        JsonObject create = instances["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!.AsObject();
        Assert.Equal(["plugin_type"], create["required"]!.AsArray().Select(f => (string)f!));
        Assert.True(create["properties"]!.AsObject().ContainsKey("instance_id"));
    }

    [Fact]
    public async Task Replies_NeverScannedInstance_SendUnsetFieldsAsNullAndKeepOptionalOnesOut()
    {
        FakeSource source = FakeSource.Create();
        using HttpResponseMessage created = await _app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "doc1",
            ["enabled"] = false,
            ["config"] = new JsonObject { ["source"] = source.Name },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/instances/doc1", created.Headers.Location?.OriginalString);
        JsonObject saved = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(["instance", "success"], saved.Select(p => p.Key).Order());

        JsonObject instance = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/doc1"))!["instance"]!.AsObject();
        foreach (string field in new[] { "last_scan_run_id", "last_scan_status", "last_scan_at", "next_run" })
        {
            Assert.True(instance.ContainsKey(field), $"{field} is left out.");
            Assert.Null(instance[field]);
        }

        Assert.Equal("stopped", (string?)instance["status"]);
        Assert.Equal(JsonValueKind.String, instance["created_at"]!.GetValueKind());

        using HttpResponseMessage stop = await _app.Client.PostAsync("api/v1/instances/doc1/stop", null);
        Assert.False((await stop.Content.ReadFromJsonAsync<JsonObject>())!.ContainsKey("already_running"));
        using HttpResponseMessage start = await _app.Client.PostAsync("api/v1/instances/doc1/start", null);
        Assert.False((bool)(await start.Content.ReadFromJsonAsync<JsonObject>())!["already_running"]!);

        using HttpResponseMessage verify = await _app.Client.PostAsync("api/v1/instances/doc1/verify", null);
        JsonObject verification = (await verify.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True((bool)verification["success"]!);
        Assert.False(verification.ContainsKey("error"));
        Assert.Equal(["instance_id", "plugin_type", "success"], verification["verification"]!.AsObject().Select(p => p.Key).Order());
    }
}

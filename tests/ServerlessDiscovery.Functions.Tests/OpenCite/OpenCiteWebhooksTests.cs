using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// Webhooks as LangGuard-AI/open-cite's REST reference (docs/REST_API.md, "Webhooks") and its BaseDiscoveryPlugin
/// (src/open_cite/core.py: subscribe_webhook keeps the headers unless new ones are given and answers added: false for a
/// URL already subscribed; unsubscribe_webhook answers false for an unknown URL; x-opencite-signature: sha256=HMAC of the
/// body) describe them, against the real app on Azurite with a real receiver on loopback.
/// </summary>
public sealed class OpenCiteWebhooksTests : IAsyncLifetime
{
    private WebhookReceiver _receiver = null!;
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(_app.Client, "otel");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task SubscribeTwice_AsTheReference_SecondKeepsHeadersAndSecret_DeliveriesShowIt()
    {
        // The reference's body: {"url": ..., "headers": {"Authorization": "Bearer ..."}}; then the same URL again without headers.
        JsonObject first = await SendAsync(HttpMethod.Post, "api/v1/instances/otel/webhooks", HttpStatusCode.OK,
            new JsonObject { ["url"] = _receiver.Url, ["headers"] = new JsonObject { ["Authorization"] = "Bearer subscriber-token" } });
        JsonObject second = await SendAsync(HttpMethod.Post, "api/v1/instances/otel/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = _receiver.Url });
        JsonObject listed = await SendAsync(HttpMethod.Get, "api/v1/instances/otel/webhooks", HttpStatusCode.OK);
        JsonObject instance = await SendAsync(HttpMethod.Get, "api/v1/instances/otel", HttpStatusCode.OK);

        // An OTLP request carrying its own Authorization: OpenCITE forwards inbound headers, this service does not.
        using var traces = new HttpRequestMessage(HttpMethod.Post, "v1/traces") { Content = new ByteArrayContent(Webhook.OtlpJson(1)) };
        traces.Content.Headers.ContentType = new("application/json");
        traces.Headers.Add("Authorization", "Bearer inbound-caller-token");
        using HttpResponseMessage accepted = await _app.Client.SendAsync(traces);
        await _receiver.WhenReceivedAsync(1);
        RecordedRequest delivery = Assert.Single(_receiver.Received).Request;

        Assert.True(first["success"]!.GetValue<bool>());
        Assert.True(first["added"]!.GetValue<bool>());
        Assert.Equal([_receiver.Url], first["webhooks"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.False(second["added"]!.GetValue<bool>());
        Assert.Null(second["secret"]);
        Assert.Equal([_receiver.Url], listed["webhooks"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal("***", listed["subscriptions"]![0]!["headers"]!["Authorization"]!.GetValue<string>());
        Assert.Equal([_receiver.Url], instance["instance"]!["webhooks"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("Bearer subscriber-token", delivery.Headers["Authorization"]);
        string[] signature = delivery.Headers["X-Signature"].Split(',');
        Assert.Equal("v1=" + WebhookReceiver.Sign(first["secret"]!.GetValue<string>(), signature[0][2..], delivery.Body), signature[1]);
        Assert.False(delivery.Headers.ContainsKey("x-opencite-signature"));
    }

    [Fact]
    public async Task OpenCiteSignature_WhenTheSubscriptionAsks_IsHmacSha256OfTheBodyWithItsSecret()
    {
        const string shared = "the-secret-OPENCITE_WEBHOOK_SECRET-held";
        JsonObject subscribed = await SendAsync(HttpMethod.Post, "api/v1/instances/otel/webhooks", HttpStatusCode.OK,
            new JsonObject { ["url"] = _receiver.Url, ["secret"] = shared, ["opencite_signature"] = true });

        using var traces = new ByteArrayContent(Webhook.OtlpJson(2));
        traces.Headers.ContentType = new("application/json");
        using HttpResponseMessage accepted = await _app.Client.PostAsync("v1/traces", traces);
        await _receiver.WhenReceivedAsync(1);
        RecordedRequest delivery = Assert.Single(_receiver.Received).Request;

        // The secret the caller chose is not echoed back.
        Assert.Null(subscribed["secret"]);
        Assert.DoesNotContain(shared, subscribed.ToJsonString(), StringComparison.Ordinal);
        Assert.True(subscribed["subscription"]!["opencite_signature"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(shared), delivery.Body)), delivery.Headers["x-opencite-signature"]);
        Assert.StartsWith("t=", delivery.Headers["X-Signature"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unsubscribe_UnknownUrl_200RemovedFalse_KnownUrl_RemovedTrue()
    {
        await SendAsync(HttpMethod.Post, "api/v1/instances/otel/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = _receiver.Url });

        JsonObject unknown = await SendAsync(HttpMethod.Delete, "api/v1/instances/otel/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = "https://collector:4318/v1/traces" });
        JsonObject known = await SendAsync(HttpMethod.Delete, "api/v1/instances/otel/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = _receiver.Url });
        JsonObject missingUrl = await SendAsync(HttpMethod.Delete, "api/v1/instances/otel/webhooks", HttpStatusCode.BadRequest, new JsonObject());

        Assert.True(unknown["success"]!.GetValue<bool>());
        Assert.False(unknown["removed"]!.GetValue<bool>());
        Assert.Equal([_receiver.Url], unknown["webhooks"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.True(known["removed"]!.GetValue<bool>());
        Assert.Empty(known["webhooks"]!.AsArray());
        Assert.NotNull(missingUrl["error"]);
    }

    [Fact]
    public async Task Subscribe_PrivateAddressNotAllowListed_400_UnlikeOpenCitesDefault()
    {
        // Deliberate difference: the egress policy refuses private ranges unless the operator allow-lists them.
        JsonObject problem = await SendAsync(HttpMethod.Post, "api/v1/instances/otel/webhooks", HttpStatusCode.BadRequest, new JsonObject { ["url"] = "http://10.1.2.3/hook" });

        Assert.NotNull(problem["errors"]!["url"]);
        Assert.StartsWith("url ", problem["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedInstance_TakesItsSubscriptionsWithIt()
    {
        await Webhook.CreateOtelInstanceAsync(_app.Client, "otel-short-lived");
        await SendAsync(HttpMethod.Post, "api/v1/instances/otel-short-lived/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = _receiver.Url });

        await SendAsync(HttpMethod.Delete, "api/v1/instances/otel-short-lived", HttpStatusCode.OK);
        await Webhook.CreateOtelInstanceAsync(_app.Client, "otel-short-lived");
        JsonObject listed = await SendAsync(HttpMethod.Get, "api/v1/instances/otel-short-lived/webhooks", HttpStatusCode.OK);

        Assert.Empty(listed["webhooks"]!.AsArray());
    }

    [Fact]
    public async Task Instance_WhoseWebhookNoLongerOpens_StillListsItsUrl()
    {
        // As after Secrets__EncryptionKey changed: the subscription's sealed secret no longer opens.
        await Webhook.CreateOtelInstanceAsync(_app.Client, "otel-rekeyed");
        await SendAsync(HttpMethod.Post, "api/v1/instances/otel-rekeyed/webhooks", HttpStatusCode.OK, new JsonObject { ["url"] = _receiver.Url });
        TableClient table = _app.App.Table(TableNames.Webhooks);
        TableEntity row = Assert.Single(table.Query<TableEntity>(TableQueries.Partition("default~otel-rekeyed")));
        char[] sealedSecret = row.GetString("Secret")!.ToCharArray();
        sealedSecret[^3] = sealedSecret[^3] == 'A' ? 'B' : 'A';
        row["Secret"] = new string(sealedSecret);
        await table.UpdateEntityAsync(row, row.ETag);

        JsonObject instance = await SendAsync(HttpMethod.Get, "api/v1/instances/otel-rekeyed", HttpStatusCode.OK);
        JsonObject list = await SendAsync(HttpMethod.Get, "api/v1/instances", HttpStatusCode.OK);

        Assert.Equal([_receiver.Url], instance["instance"]!["webhooks"]!.AsArray().Select(u => u!.GetValue<string>()));
        Assert.Contains(list["instances"]!.AsArray(), i => i!["instance_id"]!.GetValue<string>() == "otel-rekeyed");
    }

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, HttpStatusCode expected, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using HttpResponseMessage response = await _app.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}

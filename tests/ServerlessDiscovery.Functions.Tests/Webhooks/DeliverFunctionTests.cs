using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Functions.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>
/// Functions mode (EventGrid__TopicEndpoint set): deliveries are published to a loopback stand-in for the topic, and the
/// Deliver function, invoked as the host would with the captured event, makes one attempt per invocation.
/// </summary>
public sealed class DeliverFunctionTests : IAsyncLifetime
{
    private LoopbackServer _topic = null!;

    public async Task InitializeAsync() =>
        _topic = await LoopbackServer.StartAsync((context, _) => { context.Response.StatusCode = 200; return Task.CompletedTask; });

    public Task DisposeAsync() => _topic.DisposeAsync().AsTask();

    [Fact]
    public async Task Deliver_PublishedDeliveryEvent_DeliversOnce_AndRedeliveryIsNoOp()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await StartAsync();
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(3), isProtobuf: false, CancellationToken.None);
        JsonObject published = Assert.Single(PublishedEvents());
        Assert.Empty(receiver.Received);

        HttpStatusCode first = await InvokeDeliverAsync(app, published);
        HttpStatusCode again = await InvokeDeliverAsync(app, published);

        Assert.Equal("ServerlessDiscovery.Webhook.Delivery", published["type"]!.GetValue<string>());
        Assert.Equal("/tenants/default/instances/otel", published["source"]!.GetValue<string>());
        Assert.Equal(published["id"]!.GetValue<string>(), published["data"]!["delivery_id"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, again);
        RecordedRequest delivered = Assert.Single(receiver.Received).Request;
        Assert.Equal(3, JsonNode.Parse(delivered.Body)!["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]!.AsArray().Count);
    }

    [Fact]
    public async Task Deliver_FailingReceiver_FailsInvocationUntilMaxAttemptsThenDeadLetters()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) => { c.Response.StatusCode = 502; return Task.CompletedTask; });
        await using EngineApp app = await StartAsync();
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        JsonObject published = Assert.Single(PublishedEvents());

        HttpStatusCode[] results = [await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published)];

        // Attempts 1 and 2 fail the invocation (Event Grid retries); attempt 3 is the last and dead-letters; a 4th is a no-op.
        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.InternalServerError, HttpStatusCode.OK, HttpStatusCode.OK], results);
        Assert.Equal(3, receiver.Received.Count);
        TableEntity row = Assert.Single(await WebhookDeliveryTests.DeliveriesAsync(app, "otel"));
        Assert.Equal(DeliveryStates.DeadLettered, row.GetString("State"));
        Assert.Equal(502, row.GetInt32("LastStatus"));
    }

    [Fact]
    public async Task Deliver_ChangeEvent_FansOutToMatchingSubscriptionsOnce()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using WebhookReceiver otlpOnly = await WebhookReceiver.StartAsync();
        await using EngineApp app = await StartAsync();
        await app.CreateFakeInstanceAsync("fake", FakeSource.Create());
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("ServerlessDiscovery.Asset.*") });
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = otlpOnly.Url });
        var change = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "run-1-0001",
            ["type"] = "ServerlessDiscovery.Asset.Created",
            ["source"] = "/tenants/default/instances/fake",
            ["subject"] = "assets/model/m1",
            ["time"] = "2026-01-01T00:00:00Z",
            ["datacontenttype"] = "application/json",
            ["data"] = new JsonObject { ["id"] = "m1" },
        };

        Assert.Equal(HttpStatusCode.OK, await InvokeDeliverAsync(app, change));
        JsonObject delivery = Assert.Single(PublishedEvents());
        Assert.Empty(receiver.Received);
        Assert.Equal(HttpStatusCode.OK, await InvokeDeliverAsync(app, delivery));
        Assert.Equal(HttpStatusCode.OK, await InvokeDeliverAsync(app, change));

        Assert.Single(PublishedEvents());
        RecordedRequest request = Assert.Single(receiver.Received).Request;
        Assert.StartsWith("application/cloudevents-batch+json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("run-1-0001", Assert.Single(JsonNode.Parse(request.Body)!.AsArray())!["id"]!.GetValue<string>());
        Assert.Empty(otlpOnly.Received);
    }

    [Fact]
    public async Task Sweep_DeliveryWhosePublishFailed_IsPublishedAgainOnALaterTick()
    {
        bool topicDown = true;
        await using LoopbackServer flakyTopic = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = Volatile.Read(ref topicDown) ? 503 : 200;
            return Task.CompletedTask;
        });
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await StartAsync(flakyTopic);
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(2), isProtobuf: false, CancellationToken.None);
        int failedPublishes = flakyTopic.Requests.Count;

        Volatile.Write(ref topicDown, false);
        DeliverySweep sweep = app.App.Get<DeliverySweep>();
        int tooSoon = await sweep.SweepAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        int later = await sweep.SweepAsync(DateTimeOffset.UtcNow + DeliverySweep.StaleAfter + TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.True(failedPublishes >= 1);
        Assert.Equal(0, tooSoon);
        Assert.Equal(1, later);
        JsonObject republished = Assert.Single(flakyTopic.Requests.Skip(failedPublishes).SelectMany(r => JsonNode.Parse(r.Body)!.AsArray().Select(e => e!.AsObject())));
        Assert.Equal(HttpStatusCode.OK, await InvokeDeliverAsync(app, republished));
        Assert.Single(receiver.Received);
    }

    private Task<EngineApp> StartAsync(LoopbackServer? topic = null)
    {
        topic ??= _topic;
        Dictionary<string, string?> settings = Webhook.Settings(maxAttempts: 3);
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["EventGrid:TopicEndpoint"] = new Uri(topic.BaseAddress, "api/events").ToString();
        settings["EventGrid:TopicKey"] = "test-topic-key-0123456789";
        return EngineApp.StartAsync(settings);
    }

    private JsonObject[] PublishedEvents() =>
        [.. _topic.Requests.SelectMany(r => JsonNode.Parse(r.Body)!.AsArray().Select(e => e!.AsObject()))
            .Where(e => e["type"]!.GetValue<string>() == "ServerlessDiscovery.Webhook.Delivery")];

    /// <summary>POST /Deliver as the Functions host sends it: the event encoded as a JSON string twice.</summary>
    private static async Task<HttpStatusCode> InvokeDeliverAsync(EngineApp app, JsonObject cloudEvent)
    {
        string once = cloudEvent.ToJsonString();
        string body = new JsonObject
        {
            ["Data"] = new JsonObject { ["event"] = JsonSerializer.Serialize(once) },
            ["Metadata"] = new JsonObject(),
        }.ToJsonString();
        using HttpResponseMessage response = await app.Client.PostAsync("Deliver", new StringContent(body, Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

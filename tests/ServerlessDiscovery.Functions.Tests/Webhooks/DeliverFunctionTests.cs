using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Delivery;
using ServerlessDiscovery.Functions.Webhooks;
using ServerlessDiscovery.Tables;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>
/// Event Grid mode (EventGrid__TopicEndpoint set): deliveries are published to a loopback stand-in for the topic, and the
/// Deliver function's handler, given the captured event as the queue message Event Grid writes, makes one attempt per
/// invocation. A thrown exception is a failed invocation (the queue retries the message).
/// </summary>
public sealed class DeliverFunctionTests : IAsyncLifetime
{
    private LoopbackServer _topic = null!;
    private int _invocations;

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

        bool first = await InvokeDeliverAsync(app, published);
        bool again = await InvokeDeliverAsync(app, published);

        Assert.Equal("ServerlessDiscovery.Webhook.Delivery", published["type"]!.GetValue<string>());
        Assert.Equal("/tenants/default/instances/otel", published["source"]!.GetValue<string>());
        Assert.Equal(published["id"]!.GetValue<string>(), published["data"]!["delivery_id"]!.GetValue<string>());
        Assert.True(first);
        Assert.True(again);
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

        bool[] results = [await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published), await InvokeDeliverAsync(app, published)];

        // Attempts 1 and 2 fail the invocation (Event Grid retries); attempt 3 is the last and dead-letters; a 4th is a no-op.
        Assert.Equal([false, false, true, true], results);
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

        Assert.True(await InvokeDeliverAsync(app, change));
        JsonObject delivery = Assert.Single(PublishedEvents());
        Assert.Empty(receiver.Received);
        Assert.True(await InvokeDeliverAsync(app, delivery));
        Assert.True(await InvokeDeliverAsync(app, change));

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
        Assert.True(await InvokeDeliverAsync(app, republished));
        Assert.Single(receiver.Received);
    }

    private Task<EngineApp> StartAsync(LoopbackServer? topic = null)
    {
        topic ??= _topic;
        Dictionary<string, string?> settings = Webhook.Settings(maxAttempts: 3);
        settings["EventGrid:TopicEndpoint"] = new Uri(topic.BaseAddress, "api/events").ToString();
        settings["EventGrid:TopicKey"] = "test-topic-key-0123456789";
        return EngineApp.StartAsync(settings);
    }

    private JsonObject[] PublishedEvents() =>
        [.. _topic.Requests.SelectMany(r => JsonNode.Parse(r.Body)!.AsArray().Select(e => e!.AsObject()))
            .Where(e => e["type"]!.GetValue<string>() == "ServerlessDiscovery.Webhook.Delivery")];

    /// <summary>
    /// The Deliver function's work on one queue message holding the event, base64-encoded on odd calls to show both
    /// encodings are read. True when the invocation succeeds, false when it fails (the queue would retry it).
    /// </summary>
    private async Task<bool> InvokeDeliverAsync(EngineApp app, JsonObject cloudEvent)
    {
        string json = cloudEvent.ToJsonString();
        string message = (++_invocations % 2 == 1) ? Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) : json;
        try
        {
            await app.App.Get<IDeliveryQueueHandler>().HandleAsync(message, CancellationToken.None);
            return true;
        }
        catch (WebhookDeliveryFailedException)
        {
            return false;
        }
    }
}

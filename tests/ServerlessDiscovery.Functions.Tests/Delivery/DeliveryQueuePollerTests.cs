using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Engine.Webhooks;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Delivery;

/// <summary>
/// Standalone end to end: the app's own poller reads the deliveries queue in Azurite and hands each message to the
/// same handler the Functions host's trigger uses. (WebhookDeliveryTests cover retries and isolation through it too.)
/// </summary>
public sealed class DeliveryQueuePollerTests
{
    [Fact]
    public async Task Poller_CloudEventWrittenToTheQueueAsEventGridWould_IsFannedOutAndDelivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("ServerlessDiscovery.Asset.Created") });
        Azure.Storage.Queues.QueueClient queue = app.App.DeliveriesQueue();
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync(DeliveryQueueHarness.Base64(DeliveryQueueHandlerTests.ChangeEventJson("evt-from-grid").ToJsonString()));
        await receiver.WhenReceivedAsync(1);

        RecordedRequest request = Assert.Single(receiver.Received).Request;
        Assert.Equal("evt-from-grid", Assert.Single(JsonNode.Parse(request.Body)!.AsArray())!["id"]!.GetValue<string>());
        Assert.Equal("1", request.Headers["X-ServerlessDiscovery-Attempt"]);
    }

    [Fact]
    public async Task Sweep_PendingRecordWhoseMessageWasNeverSent_IsQueuedAgainAndDelivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        WebhookSubscription subscription = Assert.Single(await app.App.Get<IWebhookStore>().ListAsync("default", "otel"));
        DateTimeOffset now = DateTimeOffset.UtcNow;
        // The record is written, then the process stops before its message is sent.
        await app.App.Get<IDeliveryStore>().AddAsync(new WebhookDelivery
        {
            Tenant = "default",
            InstanceId = "otel",
            Id = "orphan-1",
            SubscriptionKey = subscription.Key,
            Kind = "otlp.traces",
            ContentType = "application/json",
            Body = Webhook.OtlpJson(1),
            NextAttemptAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        });
        DeliverySweep sweep = app.App.Get<DeliverySweep>();

        int tooSoon = await sweep.SweepAsync(now, CancellationToken.None);
        int later = await sweep.SweepAsync(now + DeliverySweep.StaleAfter + TimeSpan.FromMinutes(1), CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        Assert.Equal(0, tooSoon);
        Assert.Equal(1, later);
        Assert.Equal("orphan-1", Assert.Single(receiver.Received).Request.Headers["X-ServerlessDiscovery-Delivery"]);
    }

    [Fact]
    public async Task Poller_MalformedMessage_IsDroppedAndTheNextOneStillDelivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        Azure.Storage.Queues.QueueClient queue = app.App.DeliveriesQueue();
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("this is not a message");
        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        Assert.Single(receiver.Received);
        Assert.Contains("dropped", app.Logs.Text, StringComparison.Ordinal);
    }
}

using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Engine.Delivery;
using ServerlessDiscovery.Engine.Webhooks;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Azure.Storage.Queues.Models;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Delivery;

/// <summary>
/// The one queue handler both modes use, driven message by message against real Azurite queues and loopback
/// subscribers: signed attempts, retries put back on the queue with the backoff or Retry-After as their visibility
/// delay, dead letters, isolation, change events from Event Grid, and malformed messages.
/// </summary>
public sealed class DeliveryQueueHandlerTests
{
    [Fact]
    public async Task HandleAsync_AttemptMessage_DeliversSignedOnce_AndARedeliveredMessageDoesNothing()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();
        JsonObject subscription = await SubscribeOtelAsync(harness, receiver);

        await ForwardAsync(harness);
        string message = await harness.HandleNextAsync();
        await harness.Handler.HandleAsync(message, CancellationToken.None);

        JsonObject decoded = DeliveryQueueHarness.Decode(message);
        Assert.Equal(DeliveryMessage.AttemptType, decoded["type"]!.GetValue<string>());
        Assert.Equal(1, decoded["attempt"]!.GetValue<int>());
        Assert.DoesNotMatch("^[\\[{]", message); // base64 on the queue, as the host decodes by default
        RecordedRequest request = Assert.Single(receiver.Received).Request;
        string expected = DeliverySignature.Create(subscription["secret"]!.GetValue<string>(), harness.Time.GetUtcNow().ToUnixTimeSeconds(), request.Body);
        Assert.Equal(expected, request.Headers["X-Signature"]);
        Assert.Equal(decoded["delivery"]!.GetValue<string>(), request.Headers["X-ServerlessDiscovery-Delivery"]);
        Assert.Equal(DeliveryStates.Delivered, Assert.Single(await RowsAsync(harness)).GetString("State"));
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task HandleAsync_SubscriberAsksRetryAfter_NextAttemptIsQueuedInvisibleForThatLong()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) =>
        {
            c.Response.StatusCode = 503;
            c.Response.Headers.RetryAfter = "3";
            return Task.CompletedTask;
        });
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync(maxAttempts: 3, baseDelay: "00:00:00.050");
        await SubscribeOtelAsync(harness, receiver);
        await ForwardAsync(harness);

        string first = await harness.HandleNextAsync();
        DateTimeOffset attemptedAt = harness.Time.GetUtcNow();
        await harness.Handler.HandleAsync(first, CancellationToken.None); // a duplicate of attempt 1: superseded

        TableEntity row = Assert.Single(await RowsAsync(harness));
        Assert.Equal(DeliveryStates.Pending, row.GetString("State"));
        Assert.Equal(1, row.GetInt32("Attempts"));
        Assert.Equal(503, row.GetInt32("LastStatus"));
        // A 50 ms backoff would retry at once; Retry-After: 3 wins, and the queue hides the next attempt as long.
        Assert.Equal(attemptedAt + TimeSpan.FromSeconds(3), row.GetDateTimeOffset("NextAttemptAt"));
        Assert.Equal(1, await harness.CountAsync());
        Assert.Empty((await harness.Queue.PeekMessagesAsync(32)).Value);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task HandleAsync_RetryAfterBeyondMaxDelay_IsCappedAtMaxDelay()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) =>
        {
            c.Response.StatusCode = 429;
            c.Response.Headers.RetryAfter = "86400";
            return Task.CompletedTask;
        });
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();
        await SubscribeOtelAsync(harness, receiver);
        await ForwardAsync(harness);

        await harness.HandleNextAsync();

        // Webhooks__MaxDelay is 00:00:05 in these tests.
        Assert.Equal(harness.Time.GetUtcNow() + TimeSpan.FromSeconds(5), await NextAttemptAtAsync(harness));
        Assert.Equal(1, await harness.CountAsync());
    }

    [Fact]
    public async Task HandleAsync_FailureWithoutRetryAfter_NextAttemptWaitsTheJitteredBackoffInWholeSeconds()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) => { c.Response.StatusCode = 500; return Task.CompletedTask; });
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync(maxAttempts: 5, baseDelay: "00:00:04");
        await SubscribeOtelAsync(harness, receiver);
        await ForwardAsync(harness);

        string first = await harness.HandleNextAsync();
        TimeSpan afterFirst = (await NextAttemptAtAsync(harness)) - harness.Time.GetUtcNow();
        harness.Time.Advance(afterFirst);
        // The queue would show attempt 2 once its delay passed; hand it over directly rather than wait for it.
        JsonObject decoded = DeliveryQueueHarness.Decode(first);
        string second = DeliveryMessage.For(decoded["tenant"]!.GetValue<string>(), decoded["instance"]!.GetValue<string>(), decoded["delivery"]!.GetValue<string>(), 2).Encode();
        await harness.Handler.HandleAsync(second, CancellationToken.None);
        TimeSpan afterSecond = (await NextAttemptAtAsync(harness)) - harness.Time.GetUtcNow();

        // Full jitter: up to BaseDelay after the first failure, up to twice that after the second, rounded up to seconds.
        Assert.InRange(afterFirst, TimeSpan.Zero, TimeSpan.FromSeconds(4));
        Assert.InRange(afterSecond, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        Assert.Equal(0, afterFirst.Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(0, afterSecond.Ticks % TimeSpan.TicksPerSecond);
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(2, Assert.Single(await RowsAsync(harness)).GetInt32("Attempts"));
    }

    [Fact]
    public async Task HandleAsync_LastAttemptFails_DeadLettersAndQueuesNothingMore()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) =>
        {
            c.Response.StatusCode = 503;
            c.Response.Headers.RetryAfter = "0";
            return Task.CompletedTask;
        });
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync(maxAttempts: 2);
        await SubscribeOtelAsync(harness, receiver);
        await ForwardAsync(harness);

        await harness.HandleNextAsync();
        string last = await harness.HandleNextAsync();
        await harness.Handler.HandleAsync(last, CancellationToken.None);

        TableEntity row = Assert.Single(await RowsAsync(harness));
        Assert.Equal(DeliveryStates.DeadLettered, row.GetString("State"));
        Assert.Equal(2, row.GetInt32("Attempts"));
        Assert.Equal(503, row.GetInt32("LastStatus"));
        Assert.Equal(2, DeliveryQueueHarness.Decode(last)["attempt"]!.GetValue<int>());
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(0, await harness.CountAsync());
    }

    [Fact]
    public async Task HandleAsync_SlowSubscriber_DoesNotDelayAnotherSubscribersMessage()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using WebhookReceiver slow = await WebhookReceiver.StartAsync(async (_, c) => { await release.Task; c.Response.StatusCode = 200; });
        await using WebhookReceiver fast = await WebhookReceiver.StartAsync();
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();
        await SubscribeOtelAsync(harness, slow);
        await SubscribeOtelAsync(harness, fast);
        await ForwardAsync(harness);
        QueueMessage[] messages = await harness.ReceiveAsync();
        Assert.Equal(2, messages.Length);

        Task[] handling = [.. messages.Select(m => harness.Handler.HandleAsync(m.Body.ToString(), CancellationToken.None))];
        try
        {
            await fast.WhenReceivedAsync(1);
            Task done = await Task.WhenAny(handling);
            await done;

            Assert.Equal(1, handling.Count(t => !t.IsCompleted));
            Assert.Single(fast.Received);
        }
        finally
        {
            release.TrySetResult();
        }

        await Task.WhenAll(handling);
        Assert.All(await RowsAsync(harness), r => Assert.Equal(DeliveryStates.Delivered, r.GetString("State")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandleAsync_EventGridCloudEvent_FansOutToMatchingSubscriptionsOnce(bool base64)
    {
        await using WebhookReceiver assets = await WebhookReceiver.StartAsync();
        await using WebhookReceiver otlpOnly = await WebhookReceiver.StartAsync();
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();
        await Webhook.CreateOtelInstanceAsync(harness.App.Client, "otel");
        await Webhook.SubscribeAsync(harness.App.Client, "otel", new JsonObject { ["url"] = assets.Url, ["events"] = new JsonArray("ServerlessDiscovery.Asset.*") });
        await Webhook.SubscribeAsync(harness.App.Client, "otel", new JsonObject { ["url"] = otlpOnly.Url });
        string cloudEvent = ChangeEventJson("run-1-0001").ToJsonString();
        string message = base64 ? DeliveryQueueHarness.Base64(cloudEvent) : cloudEvent;

        await harness.Handler.HandleAsync(message, CancellationToken.None);
        await harness.HandleNextAsync();
        await harness.Handler.HandleAsync(message, CancellationToken.None); // Event Grid delivers at least once

        RecordedRequest request = Assert.Single(assets.Received).Request;
        Assert.StartsWith("application/cloudevents-batch+json", request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal("run-1-0001", Assert.Single(JsonNode.Parse(request.Body)!.AsArray())!["id"]!.GetValue<string>());
        Assert.Empty(otlpOnly.Received);
        Assert.Single(await RowsAsync(harness));
        Assert.Equal(0, await harness.CountAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json, not base64!")]
    [InlineData("aGVsbG8gd29ybGQ=")] // base64 of "hello world"
    [InlineData("{\"unclosed\":")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"ServerlessDiscovery.Webhook.DeliveryAttempt\",\"tenant\":\"default\"}")]
    [InlineData("{\"type\":\"ServerlessDiscovery.Webhook.DeliveryAttempt\",\"tenant\":\"default\",\"instance\":\"otel\",\"delivery\":\"nope\",\"attempt\":\"one\"}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"ServerlessDiscovery.Asset.Created\",\"source\":\"/elsewhere\",\"time\":\"2026-01-01T00:00:00Z\"}")]
    [InlineData("{\"specversion\":\"1.0\",\"id\":\"e1\",\"type\":\"ServerlessDiscovery.Asset.Created\",\"source\":\"/tenants/default/instances/otel\",\"time\":\"yesterday\"}")]
    [InlineData("{\"id\":\"e1\",\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":\"x\",\"data\":{}}")]
    public async Task HandleAsync_MalformedMessage_IsLoggedAndDropped(string message)
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();
        await Webhook.CreateOtelInstanceAsync(harness.App.Client, "otel");
        await Webhook.SubscribeAsync(harness.App.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("*") });

        await harness.Handler.HandleAsync(message, CancellationToken.None);

        Assert.Contains("dropped", harness.Logs.Text, StringComparison.Ordinal);
        Assert.Empty(await RowsAsync(harness));
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task HandleAsync_AttemptForUnknownDelivery_DoesNothing()
    {
        await using DeliveryQueueHarness harness = await DeliveryQueueHarness.StartAsync();

        await harness.Handler.HandleAsync(DeliveryMessage.For("default", "otel", "no-such-delivery", 1).Encode(), CancellationToken.None);

        Assert.Equal(0, await harness.CountAsync());
    }

    internal static JsonObject ChangeEventJson(string id, string instance = "otel") => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["type"] = "ServerlessDiscovery.Asset.Created",
        ["source"] = $"/tenants/default/instances/{instance}",
        ["subject"] = "assets/model/m1",
        ["time"] = "2026-01-01T00:00:00Z",
        ["datacontenttype"] = "application/json",
        ["data"] = new JsonObject { ["id"] = "m1" },
    };

    private static async Task<JsonObject> SubscribeOtelAsync(DeliveryQueueHarness harness, WebhookReceiver receiver)
    {
        using (HttpResponseMessage existing = await harness.App.Client.GetAsync("api/v1/instances/otel"))
        {
            if (existing.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                await Webhook.CreateOtelInstanceAsync(harness.App.Client, "otel");
            }
        }

        return await Webhook.SubscribeAsync(harness.App.Client, "otel", new JsonObject { ["url"] = receiver.Url });
    }

    private static Task ForwardAsync(DeliveryQueueHarness harness) =>
        harness.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);

    private static async Task<DateTimeOffset> NextAttemptAtAsync(DeliveryQueueHarness harness) =>
        Assert.Single(await RowsAsync(harness)).GetDateTimeOffset("NextAttemptAt")!.Value;

    private static async Task<List<TableEntity>> RowsAsync(DeliveryQueueHarness harness)
    {
        var rows = new List<TableEntity>();
        TableClient table = harness.App.Table(TableNames.Deliveries);
        await table.CreateIfNotExistsAsync(); // the app creates it with its first delivery
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition("default~otel")))
        {
            rows.Add(row);
        }

        return rows;
    }
}

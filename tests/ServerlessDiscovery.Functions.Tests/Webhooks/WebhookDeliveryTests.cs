using ServerlessDiscovery.Engine.Otlp;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>Standalone delivery: signing, retries, Retry-After, dead-letters, isolation, and change events after a scan.</summary>
public sealed class WebhookDeliveryTests
{
    [Fact]
    public async Task Deliver_ForwardedOtlp_IsSignedWithTheSubscriptionSecret()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        JsonObject sub = await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["headers"] = new JsonObject { ["X-Subscriber"] = "mine" } });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(2), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        RecordedRequest request = Assert.Single(receiver.Received).Request;
        string[] parts = request.Headers["X-Signature"].Split(',');
        string t = parts[0]["t=".Length..];
        Assert.StartsWith("t=", parts[0], StringComparison.Ordinal);
        Assert.Equal("v1=" + WebhookReceiver.Sign(sub["secret"]!.GetValue<string>(), t, request.Body), parts[1]);
        Assert.InRange(long.Parse(t, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.Equal("mine", request.Headers["X-Subscriber"]);
        Assert.Equal("1", request.Headers["X-ServerlessDiscovery-Attempt"]);
        Assert.False(string.IsNullOrEmpty(request.Headers["X-ServerlessDiscovery-Delivery"]));
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliver_ReceiverAnswers500Then200_PayloadArrivesOnceAfterRetry()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((n, c) => { c.Response.StatusCode = n == 1 ? 500 : 200; return Task.CompletedTask; });
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings(maxAttempts: 4));
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(2);
        TableEntity row = await WaitForStateAsync(app, "otel", DeliveryStates.Delivered);

        var received = receiver.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal("1", received[0].Request.Headers["X-ServerlessDiscovery-Attempt"]);
        Assert.Equal("2", received[1].Request.Headers["X-ServerlessDiscovery-Attempt"]);
        Assert.Equal(received[0].Request.Headers["X-ServerlessDiscovery-Delivery"], received[1].Request.Headers["X-ServerlessDiscovery-Delivery"]);
        Assert.Equal(received[0].Request.Body, received[1].Request.Body);
        Assert.Equal(2, row.GetInt32("Attempts"));
        Assert.Null(row.GetInt32("Body_Chunks"));
    }

    [Fact]
    public async Task Deliver_RetryAfterSeconds_IsHonoured()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((n, c) =>
        {
            c.Response.StatusCode = n == 1 ? 429 : 200;
            if (n == 1)
            {
                c.Response.Headers.RetryAfter = "2";
            }

            return Task.CompletedTask;
        });
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings(baseDelay: "00:00:00.010"));
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(2);

        var received = receiver.Received;
        // With a 10 ms base delay the retry would come at once; Retry-After: 2 holds it back two seconds.
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromSeconds(1.9), $"retried after {received[1].At - received[0].At}");
    }

    [Fact]
    public async Task Deliver_ReceiverDownForAllAttempts_DeadLettersWhileHealthyReceiverGetsEverything()
    {
        await using WebhookReceiver down = await WebhookReceiver.StartAsync((_, c) => { c.Response.StatusCode = 503; return Task.CompletedTask; });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using WebhookReceiver slow = await WebhookReceiver.StartAsync(async (_, c) => { await release.Task; c.Response.StatusCode = 200; });
        await using WebhookReceiver healthy = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings(maxAttempts: 3));
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = down.Url });
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = slow.Url });
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = healthy.Url });

        try
        {
            for (int i = 0; i < 5; i++)
            {
                await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
            }

            // The slow subscriber is still holding its first request: the healthy one must not be waiting on it.
            await healthy.WhenReceivedAsync(5);
            await down.WhenReceivedAsync(15);
        }
        finally
        {
            release.TrySetResult();
        }

        List<TableEntity> dead = await WaitForCountAsync(app, "otel", DeliveryStates.DeadLettered, 5);
        Assert.Equal(5, healthy.Received.Count);
        Assert.Equal(15, down.Received.Count);
        Assert.All(dead, row =>
        {
            Assert.Equal(3, row.GetInt32("Attempts"));
            Assert.Equal(503, row.GetInt32("LastStatus"));
            Assert.Contains("503", row.GetString("LastError"), StringComparison.Ordinal);
            Assert.DoesNotContain(row.Keys, k => k.Contains("Secret", StringComparison.OrdinalIgnoreCase));
        });
        await slow.WhenReceivedAsync(5);
    }

    [Fact]
    public async Task Deliver_PermanentClientError_DeadLettersWithoutRetry()
    {
        await using WebhookReceiver gone = await WebhookReceiver.StartAsync((_, c) => { c.Response.StatusCode = 410; return Task.CompletedTask; });
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings(maxAttempts: 5));
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = gone.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        TableEntity row = await WaitForStateAsync(app, "otel", DeliveryStates.DeadLettered);

        Assert.Equal(1, row.GetInt32("Attempts"));
        Assert.Equal(410, row.GetInt32("LastStatus"));
        Assert.Single(gone.Received);
    }

    [Fact]
    public async Task Deliver_InboundCallerHeaders_AreNeverForwarded()
    {
        const string Key = "caller-api-key-0123456789abcdef";
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        Dictionary<string, string?> settings = Webhook.Settings();
        settings["Api:Keys"] = Key;
        await using EngineApp app = await EngineApp.StartAsync(settings);
        using var client = new HttpClient { BaseAddress = app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", Key);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        await Webhook.CreateOtelInstanceAsync(client, "otel");
        await client.PostAsJsonAsync("api/v1/instances", new JsonObject { ["plugin_type"] = FakePluginType.TypeId, ["instance_id"] = "fake", ["config"] = new JsonObject { ["source"] = FakeSource.Create().Name } });
        await Webhook.SubscribeAsync(client, "otel", new JsonObject { ["url"] = receiver.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        RecordedRequest request = Assert.Single(receiver.Received).Request;
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.False(request.Headers.ContainsKey("x-api-key"));
        Assert.DoesNotContain(request.Headers.Values, v => v.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_ChangeEventsAfterScan_ReachOnlyMatchingSubscriptions()
    {
        await using WebhookReceiver assets = await WebhookReceiver.StartAsync();
        await using WebhookReceiver scans = await WebhookReceiver.StartAsync();
        await using WebhookReceiver otlpOnly = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        source.Put(AssetTypes.Model, "m2", "s", "m2");
        await app.CreateFakeInstanceAsync("fake", source);
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = assets.Url, ["events"] = new JsonArray("ServerlessDiscovery.Asset.*") });
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = scans.Url, ["events"] = new JsonArray("ServerlessDiscovery.Scan.Completed") });
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = otlpOnly.Url });

        await app.RefreshAsync("fake");
        await assets.WhenReceivedAsync(1);
        await scans.WhenReceivedAsync(1);

        JsonObject[] assetEvents = [.. assets.Received.SelectMany(r => JsonNode.Parse(r.Request.Body)!.AsArray().Select(e => e!.AsObject()))];
        JsonObject[] scanEvents = [.. scans.Received.SelectMany(r => JsonNode.Parse(r.Request.Body)!.AsArray().Select(e => e!.AsObject()))];
        Assert.StartsWith("application/cloudevents-batch+json", assets.Received[0].Request.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Equal(["assets/model/m1", "assets/model/m2"], assetEvents.Select(e => e["subject"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.All(assetEvents, e => Assert.Equal("ServerlessDiscovery.Asset.Created", e["type"]!.GetValue<string>()));
        JsonObject scan = Assert.Single(scanEvents);
        Assert.Equal("ServerlessDiscovery.Scan.Completed", scan["type"]!.GetValue<string>());
        Assert.Equal("1.0", scan["specversion"]!.GetValue<string>());
        Assert.Empty(otlpOnly.Received);
    }

    internal static async Task<List<TableEntity>> DeliveriesAsync(EngineApp app, string instance)
    {
        var rows = new List<TableEntity>();
        TableClient table = app.App.Table(TableNames.Deliveries);
        await table.CreateIfNotExistsAsync(); // the app creates it with its first delivery
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition($"default~{instance}")))
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>The row's final write follows the receiver's answer; nothing signals it, so poll with a deadline.</summary>
    private static async Task<TableEntity> WaitForStateAsync(EngineApp app, string instance, string state) =>
        (await WaitForCountAsync(app, instance, state, 1)).Single();

    private static async Task<List<TableEntity>> WaitForCountAsync(EngineApp app, string instance, string state, int count)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            List<TableEntity> rows = [.. (await DeliveriesAsync(app, instance)).Where(r => r.GetString("State") == state)];
            if (rows.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(rows.Count == count, $"expected {count} deliveries {state}, found {rows.Count}: {string.Join(", ", (await DeliveriesAsync(app, instance)).Select(r => r.GetString("State")))}");
                return rows;
            }

            await Task.Delay(50);
        }
    }

    internal static string Text(byte[] body) => Encoding.UTF8.GetString(body);
}

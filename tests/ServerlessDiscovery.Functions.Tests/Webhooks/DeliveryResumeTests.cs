using ServerlessDiscovery.Engine.Otlp;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>Deliveries are rows and queue messages before they are attempts: a new process sends what the previous one left pending.</summary>
public sealed class DeliveryResumeTests
{
    [Fact]
    public async Task Start_PendingDeliveryFromStoppedProcess_IsDeliveredByTheNextOne()
    {
        bool healthy = false;
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync((_, c) =>
        {
            if (Volatile.Read(ref healthy))
            {
                c.Response.StatusCode = 200;
            }
            else
            {
                c.Response.StatusCode = 503;
                c.Response.Headers.RetryAfter = "1";
            }

            return Task.CompletedTask;
        });
        string prefix = Azurite.UniqueName("p");
        Dictionary<string, string?> settings = Webhook.Settings(maxAttempts: 5);
        // The second process reads the queue the first one wrote the retry to.
        settings["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName();
        settings["Secrets:EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        EngineApp first = await EngineApp.StartAsync(settings, prefix);
        await Webhook.CreateOtelInstanceAsync(first.Client, "otel");
        await Webhook.SubscribeAsync(first.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        await first.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);
        await first.DisposeAsync();
        int seenByFirst = receiver.Received.Count;

        Volatile.Write(ref healthy, true);
        await using EngineApp second = await EngineApp.StartAsync(settings, prefix);
        try
        {
            await receiver.WhenReceivedAsync(seenByFirst + 1);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not resumed; rows: {string.Join(", ", (await WebhookDeliveryTests.DeliveriesAsync(second, "otel")).Select(r => $"{r.GetString("State")}/{r.GetInt32("Attempts")}/{r.GetDateTimeOffset("NextAttemptAt"):O}"))}; log:\n{string.Join('\n', second.Logs.Text.Split('\n').Where(l => l.Contains("Webhook", StringComparison.Ordinal)))}");
        }

        var last = receiver.Received[^1].Request;
        Assert.Equal(receiver.Received[0].Request.Headers["X-ServerlessDiscovery-Delivery"], last.Headers["X-ServerlessDiscovery-Delivery"]);
        Assert.Equal((seenByFirst + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), last.Headers["X-ServerlessDiscovery-Attempt"]);
        Assert.Equal(receiver.Received[0].Request.Body, last.Body);
    }
}

using ServerlessDiscovery.Engine.Delivery;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Delivery;

/// <summary>
/// The real app on a fake clock with its standalone poller removed: the test is the queue's consumer, receiving each
/// message from Azurite and handing it to <see cref="IDeliveryQueueHandler"/> as the host's trigger would.
/// </summary>
internal sealed class DeliveryQueueHarness : IAsyncDisposable
{
    private DeliveryQueueHarness(TestApp app, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        App = app;
        Time = time;
        Logs = logs;
        Queue = app.DeliveriesQueue();
    }

    public TestApp App { get; }

    public FakeTimeProvider Time { get; }

    public CapturingLoggerProvider Logs { get; }

    public QueueClient Queue { get; }

    public IDeliveryQueueHandler Handler => App.Get<IDeliveryQueueHandler>();

    public static async Task<DeliveryQueueHarness> StartAsync(int maxAttempts = 3, string baseDelay = "00:00:00.050")
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        TestApp app = await TestApp.StartAsync(Webhook.Settings(maxAttempts, baseDelay), services =>
        {
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton<ILoggerProvider>(logs);
            foreach (ServiceDescriptor poller in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(DeliveryQueuePoller)).ToList())
            {
                services.Remove(poller);
            }
        });
        return new DeliveryQueueHarness(app, time, logs);
    }

    /// <summary>The messages visible now, received (hidden for a minute) but not deleted.</summary>
    public async Task<QueueMessage[]> ReceiveAsync()
    {
        await Queue.CreateIfNotExistsAsync();
        return (await Queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
    }

    /// <summary>Receives the one visible message, hands it to the handler and deletes it, as the host does on success.</summary>
    public async Task<string> HandleNextAsync()
    {
        QueueMessage message = Assert.Single(await ReceiveAsync());
        await Handler.HandleAsync(message.Body.ToString(), CancellationToken.None);
        await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        return message.Body.ToString();
    }

    /// <summary>Messages on the queue, visible or not.</summary>
    public async Task<int> CountAsync()
    {
        await Queue.CreateIfNotExistsAsync(); // the app creates it with its first message
        return (await Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;
    }

    public static JsonObject Decode(string message) => JsonNode.Parse(DeliveryMessage.DecodeJson(message)!)!.AsObject();

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

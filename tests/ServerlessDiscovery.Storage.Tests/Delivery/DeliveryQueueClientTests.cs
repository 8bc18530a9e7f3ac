using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Storage.Delivery;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Storage.Tests.Delivery;

/// <summary>The deliveries queue's client on Azurite's queue service: what the core and the standalone poller do through <see cref="IDeliveryQueueTransport"/>.</summary>
public sealed class DeliveryQueueClientTests : IDisposable
{
    private readonly string _name = Azurite.UniqueQueueName("d");
    private readonly DeliveryQueueClient _queue;

    public DeliveryQueueClientTests() =>
        _queue = new DeliveryQueueClient(Options.Create(new DeliveryQueueOptions { QueueName = _name, ConnectionString = Azurite.QueueConnectionString }));

    public void Dispose() => _queue.Dispose();

    [Fact]
    public async Task Send_Receive_Delete_TheMessageAsSent_ThenGone()
    {
        await _queue.SendAsync("eyJhIjoxfQ==", TimeSpan.Zero);

        DeliveryQueueMessage received = Assert.Single(await _queue.ReceiveAsync(32, TimeSpan.FromMinutes(1)));
        await _queue.DeleteAsync(received);

        Assert.Equal(("eyJhIjoxfQ==", 1L), (received.Body, received.DequeueCount));
        Assert.Equal(0, (await Azurite.CreateQueueClient(_name).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Send_WithDelay_IsInvisibleUntilThen()
    {
        await _queue.SendAsync("later", TimeSpan.FromMinutes(5));

        Assert.Empty(await _queue.ReceiveAsync(32, TimeSpan.FromMinutes(1)));
        Assert.Equal(1, (await Azurite.CreateQueueClient(_name).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task MoveToPoison_LeavesTheQueue_BodyKeptOnThePoisonQueue()
    {
        await _queue.SendAsync("keeps failing", TimeSpan.Zero);
        DeliveryQueueMessage received = Assert.Single(await _queue.ReceiveAsync(1, TimeSpan.FromMinutes(1)));

        await _queue.MoveToPoisonAsync(received);

        Assert.Equal(0, (await Azurite.CreateQueueClient(_name).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Azure.Storage.Queues.Models.QueueMessage poisoned = Assert.Single((await Azurite.CreateQueueClient(_name + "-poison").ReceiveMessagesAsync(32)).Value);
        Assert.Equal("keeps failing", poisoned.Body.ToString());
    }

    [Fact]
    public async Task ProbeAsync_CreatesTheQueue_AndIsReady()
    {
        Assert.Null(await _queue.ProbeAsync());
        Assert.True((await Azurite.CreateQueueClient(_name).ExistsAsync()).Value);
    }

    [Fact]
    public async Task ProbeAsync_NothingListens_SaysUnreachable_NamingTheQueueOnly()
    {
        string connection = Azurite.QueueConnectionString.Split(';')
            .Where(p => p.Length > 0 && !p.StartsWith("QueueEndpoint=", StringComparison.Ordinal))
            .Append($"QueueEndpoint=http://127.0.0.1:{FreePort.Next()}/devstoreaccount1")
            .Aggregate((a, b) => a + ";" + b);
        using var down = new DeliveryQueueClient(Options.Create(new DeliveryQueueOptions { QueueName = _name, ConnectionString = connection }));

        string? problem = await down.ProbeAsync();

        Assert.NotNull(problem);
        Assert.StartsWith($"The deliveries queue '{_name}' is unreachable: ", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", problem, StringComparison.Ordinal);
    }
}

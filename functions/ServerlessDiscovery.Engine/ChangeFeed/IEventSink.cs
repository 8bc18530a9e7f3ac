namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>Where the outbox relay publishes: Event Grid in Azure, the in-process dispatcher standalone.</summary>
public interface IEventSink
{
    /// <summary>"eventGrid" or "inProcess", for readiness and logs.</summary>
    string Name { get; }

    /// <summary>Publishes the events; throws if any may not have been accepted (the relay then keeps them for the next try).</summary>
    Task PublishAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken);

    /// <summary>Null when the sink can accept events; otherwise why not.</summary>
    Task<string?> CheckAsync(CancellationToken cancellationToken);
}

/// <summary>Something in this process that reacts to change events (webhook delivery of change events, tests).</summary>
public interface IChangeEventSubscriber
{
    Task OnEventsAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken);
}

/// <summary>Standalone without a topic: events go straight to this process's subscribers.</summary>
internal sealed class InProcessEventSink(IEnumerable<IChangeEventSubscriber> subscribers) : IEventSink
{
    public string Name => "inProcess";

    public async Task PublishAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        foreach (IChangeEventSubscriber subscriber in subscribers)
        {
            await subscriber.OnEventsAsync(events, cancellationToken);
        }
    }

    public Task<string?> CheckAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}

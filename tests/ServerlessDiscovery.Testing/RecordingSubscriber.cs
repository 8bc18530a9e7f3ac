using System.Collections.Concurrent;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.Testing;

/// <summary>An in-process change-event subscriber that keeps every event it is given, in order.</summary>
public sealed class RecordingSubscriber : IChangeEventSubscriber
{
    private readonly ConcurrentQueue<ChangeEvent> _events = new();

    public IReadOnlyList<ChangeEvent> Events => [.. _events];

    public Task OnEventsAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        foreach (ChangeEvent e in events)
        {
            _events.Enqueue(e);
        }

        return Task.CompletedTask;
    }

    public void Clear() => _events.Clear();
}

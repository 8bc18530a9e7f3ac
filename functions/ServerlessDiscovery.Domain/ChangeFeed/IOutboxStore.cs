namespace ServerlessDiscovery.Domain.ChangeFeed;

/// <summary>
/// Events recorded with one committed batch of inventory changes, waiting to be relayed: a JSON array of CloudEvents,
/// in the order they were recorded. <see cref="Id"/> is the store's handle for deleting the entry once relayed.
/// </summary>
public sealed record OutboxEntry(string Id, int Count, string EventsJson);

/// <summary>The outbox: change events committed with the inventory changes they record, until the relay publishes them.</summary>
public interface IOutboxStore
{
    /// <summary>Up to <paramref name="max"/> of an instance's pending entries, oldest first.</summary>
    Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string tenant, string instance, int max, CancellationToken cancellationToken = default);

    /// <summary>Removes relayed entries; an entry already removed (another host relayed it) is not an error.</summary>
    Task DeleteOutboxAsync(string tenant, string instance, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default);
}

using System.Globalization;

namespace ServerlessDiscovery.Domain.ChangeFeed;

/// <summary>
/// One recorded outbox entry in a tenant's change log, at <see cref="Position"/>: positions sort (ordinally) in the
/// order entries were recorded (<see cref="ChangeLogPosition"/>).
/// </summary>
public sealed record ChangeLogRecord(string Position, string Instance, int Count, string EventsJson);

/// <summary>One page of change log records and the store's token for the next (null when the range is read).</summary>
public sealed record ChangeLogRecordPage(IReadOnlyList<ChangeLogRecord> Records, string? ContinuationToken);

/// <summary>Change log positions: the time an entry was recorded (ticks, 19 digits), its index in that append and its instance.</summary>
public static class ChangeLogPosition
{
    public const char Separator = '~';

    /// <summary>A bound: every entry recorded at or after <paramref name="time"/> sorts at or after it.</summary>
    public static string At(DateTimeOffset time) => Math.Max(0, time.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public static string Of(DateTimeOffset recorded, int index, string instance) =>
        $"{At(recorded)}{Separator}{index.ToString("D4", CultureInfo.InvariantCulture)}{Separator}{instance}";
}

/// <summary>The change log's store: a tenant's relayed events by position, pruned past their retention.</summary>
public interface IChangeLogStore
{
    /// <summary>Records outbox entries of one instance as relayed at <paramref name="recorded"/>, one record each.</summary>
    Task AppendAsync(string tenant, string instance, DateTimeOffset recorded, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Records at positions in [<paramref name="from"/>, <paramref name="until"/>), at most <paramref name="max"/> a page.</summary>
    Task<ChangeLogRecordPage> ReadAsync(string tenant, string from, string until, int max, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>Removes the tenant's records before position <paramref name="before"/>.</summary>
    Task PruneAsync(string tenant, string before, CancellationToken cancellationToken = default);
}

using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.ChangeFeed;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>
/// One read of the change log: events in the order they were recorded, the cursor to read on from, and whether more
/// is there already (the read stopped at its limit, or at its bound on rows scanned for an asset filter).
/// </summary>
public sealed record ChangeLogPage(IReadOnlyList<ChangeEvent> Events, string Cursor, bool More);

/// <summary>
/// The change log behind GET /api/v1/changes: every event the outbox relay publishes, kept per tenant for
/// ChangeLog__Retention and readable from an opaque cursor. The relay copies each outbox entry (up to 99 events) into one
/// change log record (<see cref="IChangeLogStore"/>) before it publishes, so the log costs one write per outbox entry and has the events even
/// while the sink is down. Rows are keyed by the time they were copied, so a row never appears behind a cursor a
/// reader already holds (given ChangeLog__Settle); a relay interrupted between the copy and the outbox delete copies
/// the row again, so an event may be read twice, with the same CloudEvent id, exactly as the change feed may deliver it twice.
/// </summary>
public sealed class ChangeLog(IChangeLogStore store, TimeProvider time, IOptions<ChangeLogOptions> options)
{
    /// <summary>Most events one read returns.</summary>
    public const int MaxLimit = 1000;

    /// <summary>Most rows one read scans, so a narrow asset filter over a long log answers promptly, with a cursor to go on.</summary>
    private const int MaxRowsPerRead = 200;
    private const int RowsPerPage = 10;

    private const string CursorPrefix = "cl1\n";
    private const int MaxCursorChars = 1024;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPrune = new(StringComparer.Ordinal);

    /// <summary>Records the events of outbox entries that are about to be published, one change log record per entry.</summary>
    internal async Task AppendAsync(string tenant, string instanceId, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        DateTimeOffset now = time.GetUtcNow();
        await store.AppendAsync(tenant, instanceId, now, entries, cancellationToken);
        if (!_lastPrune.TryGetValue(tenant, out DateTimeOffset last) || now - last >= options.Value.PruneInterval)
        {
            _lastPrune[tenant] = now;
            await store.PruneAsync(tenant, Bound(now - options.Value.Retention), cancellationToken);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="limit"/> events of the tenant after <paramref name="cursor"/> (from the oldest retained
    /// when null), only those about <paramref name="subject"/> when given. A cursor this service did not issue throws
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public async Task<ChangeLogPage> ReadAsync(string tenant, string? cursor, string? subject, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxLimit);
        DateTimeOffset now = time.GetUtcNow();
        string oldest = Bound(now - options.Value.Retention);
        (string from, int skip) = cursor is null ? (oldest, 0) : DecodeCursor(cursor);
        if (string.CompareOrdinal(from, oldest) < 0)
        {
            (from, skip) = (oldest, 0);
        }

        // Rows recorded up to and including the settle bound's tick.
        string until = Bound(now - options.Value.Settle + TimeSpan.FromTicks(1));
        var events = new List<ChangeEvent>();
        string? token = null;
        int rows = 0;
        do
        {
            ChangeLogRecordPage page = await store.ReadAsync(tenant, from, until, RowsPerPage, token, cancellationToken);
            token = page.ContinuationToken;
            foreach (ChangeLogRecord row in page.Records)
            {
                JsonArray stored = JsonNode.Parse(row.EventsJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsArray();
                for (int i = row.Position == from ? skip : 0; i < stored.Count; i++)
                {
                    if (subject is not null && stored[i]?["subject"]?.GetValue<string>() != subject)
                    {
                        continue;
                    }

                    events.Add(ChangeEvent.FromCloudEventJson(stored[i]!.AsObject()));
                    if (events.Count == limit)
                    {
                        return new ChangeLogPage(events, EncodeCursor(row.Position, i + 1), More: true);
                    }
                }

                if (++rows == MaxRowsPerRead)
                {
                    return new ChangeLogPage(events, EncodeCursor(row.Position, stored.Count), More: true);
                }
            }
        }
        while (token is not null);

        // Everything before the settle bound was read; rows written from now on are keyed at or after it.
        return new ChangeLogPage(events, EncodeCursor(until, 0), More: false);
    }

    /// <summary>A position bound: every record recorded at or after <paramref name="time"/> sorts at or after it.</summary>
    private static string Bound(DateTimeOffset time) => ChangeLogPosition.At(time);

    private static string EncodeCursor(string from, int skip) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CursorPrefix}{from}\n{skip.ToString(CultureInfo.InvariantCulture)}"));

    private static (string From, int Skip) DecodeCursor(string cursor)
    {
        const string message = "The cursor is not one this service issued.";
        if (cursor.Length is 0 or > MaxCursorChars)
        {
            throw new ArgumentException(message, nameof(cursor));
        }

        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new ArgumentException(message, nameof(cursor));
        }

        string[] parts = text.Split('\n');
        if (!text.StartsWith(CursorPrefix, StringComparison.Ordinal) || parts.Length != 3 || parts[1].Length < 19
            || !parts[1][..19].All(char.IsAsciiDigit) || parts[1].Any(char.IsControl)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int skip))
        {
            throw new ArgumentException(message, nameof(cursor));
        }

        return (parts[1], skip);
    }
}

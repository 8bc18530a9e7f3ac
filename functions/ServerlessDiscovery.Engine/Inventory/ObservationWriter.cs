using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Storage.Journal;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An asset seen in telemetry since the last flush, with the usage counted for it in that time.</summary>
public sealed record ObservedAsset(DiscoveredAsset Asset, long Invocations, long InputTokens, long OutputTokens, DateTimeOffset? LastInvoked)
{
    public DateTimeOffset? FirstInvoked { get; init; }

    /// <summary>"service:{name}" / "agent:{name}" that invoked it.</summary>
    public IReadOnlyCollection<string> Callers { get; init; } = [];

    public ObservedUsage Usage => new(Invocations, InputTokens, OutputTokens, FirstInvoked, LastInvoked, Callers);
}

/// <summary>
/// Writes what telemetry observed since the last flush: new assets are created, attributes only ever gain keys (the
/// first value seen for a key stays), usage counters are added to the stored totals, lastSeen moves forward. Content
/// changes bump the version and emit an event; counter-only changes are one merge per asset and no event. Every write
/// is conditional on the row's ETag, so two hosts flushing the same asset never lose each other's counts. A drain id
/// (the OTLP journal's) is remembered on each row it wrote, so applying the same drain again after a crash adds nothing.
/// An asset the table refuses (it should not happen: values are bounded before they are journaled) is quarantined and
/// reported; the others are written.
/// </summary>
public sealed partial class ObservationWriter(
    TableStore tables,
    InventoryWriter writer,
    QuarantineStore quarantine,
    TimeProvider time,
    ILogger<ObservationWriter> logger,
    Resolution.ObservationResolver resolver)
{
    /// <summary>How many recent drain ids an asset row remembers.</summary>
    public const int RememberedDrains = 16;

    private const int ChunkSize = 50;
    private const int MaxAttempts = 5;
    private static readonly Meter Meter = new("ServerlessDiscovery.Inventory");
    private static readonly Counter<long> Quarantined = Meter.CreateCounter<long>("sd.observations.quarantined", description: "Trace-derived assets set aside because the table refused them");

    /// <summary>
    /// Applies the observations of one tenant's instance; returns entity writes made. With a <paramref name="drainId"/>,
    /// assets whose rows already record that drain are skipped (their counts are in).
    /// </summary>
    public async Task<int> ApplyAsync(string tenant, string instanceId, IReadOnlyCollection<ObservedAsset> observed, IReadOnlyCollection<DiscoveredEdge> edges, string? drainId = null, CancellationToken cancellationToken = default)
    {
        // Identities that resolve to a declared asset count on it, not on a trace-derived duplicate.
        Resolution.Diversion diversion = await resolver.DivertAsync(tenant, observed, drainId, cancellationToken);
        (observed, edges) = (diversion.Unresolved, diversion.Rewrite(edges));
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instanceId);
        string flushId = Domain.Scans.ScanRun.NewRunId(time.GetUtcNow());
        var scan = new ScanIdentity(tenant, instanceId, flushId, Force: false);
        int writes = 0, sequence = 0;
        (string RowKey, ObservedAsset Observed)[] ordered = [.. observed
            .Select(o => (StorageKeys.AssetRow(o.Asset.Type, o.Asset.Id), o))
            .OrderBy(p => p.Item1, StringComparer.Ordinal)];

        for (int start = 0; start < ordered.Length; start += ChunkSize)
        {
            (string RowKey, ObservedAsset Observed)[] chunk = ordered[start..Math.Min(ordered.Length, start + ChunkSize)];
            for (int attempt = 1; ; attempt++)
            {
                Dictionary<string, TableEntity?> rows = await ReadRowsAsync(table, partition, chunk.Select(c => c.RowKey), cancellationToken);
                DateTimeOffset now = time.GetUtcNow();
                int chunkSequence = sequence;
                var plan = new List<(TableTransactionAction?, ChangeEvent?)>(chunk.Length);
                foreach ((string rowKey, ObservedAsset o) in chunk)
                {
                    plan.Add(Plan(scan, partition, rowKey, o, rows[rowKey], drainId, ref chunkSequence, now));
                }

                try
                {
                    (int w, _) = await InventoryWriter.WriteAsync(table, partition, plan, cancellationToken);
                    writes += w;
                    sequence = chunkSequence;
                    break;
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
                {
                    // Another host wrote one of these assets first: read them again and recount on top of its write.
                }
                catch (Exception ex) when (Refused(ex) && chunk.Length > 1)
                {
                    // The table refused something in the chunk: write its assets one by one so only the bad one is set aside.
                    foreach ((string RowKey, ObservedAsset Observed) single in chunk)
                    {
                        writes += await ApplyAsync(tenant, instanceId, [single.Observed], [], drainId, cancellationToken);
                    }

                    break;
                }
                catch (Exception ex) when (Refused(ex))
                {
                    DiscoveredAsset asset = chunk[0].Observed.Asset;
                    string error = ex is RequestFailedException r ? $"{r.Status} {r.ErrorCode}" : ex.Message;
                    await quarantine.AddAsync(tenant, "asset", $"{asset.Type}/{asset.Id}", $"the table cannot hold the asset row ({error})", cancellationToken);
                    Quarantined.Add(1);
                    LogQuarantined(logger, tenant, asset.Type, asset.Id.Length > 200 ? asset.Id[..200] : asset.Id, error);
                    break;
                }
            }
        }

        (int edgeWrites, _) = await writer.WriteEdgesAsync(scan, edges, new Dictionary<string, string?>(), time.GetUtcNow(), cancellationToken);
        return writes + edgeWrites + diversion.Writes;
    }

    private static (TableTransactionAction?, ChangeEvent?) Plan(ScanIdentity scan, string partition, string rowKey, ObservedAsset o, TableEntity? row, string? drainId, ref int sequence, DateTimeOffset now)
    {
        string source = ChangeEvent.SourceFor(scan.Tenant, scan.InstanceId);
        string? drains = Remember(row?.GetString(AssetColumns.Drains), drainId, out bool applied);
        if (applied)
        {
            return (null, null);
        }

        if (row is null)
        {
            TableEntity created = AssetRows.Create(partition, rowKey, scan, o.Asset, ContentHash.Compute(o.Asset), 1, AssetState.Active, null, now, now, now);
            SetUsage(created, o, null, drains);
            return (new TableTransactionAction(TableTransactionActionType.Add, created),
                AssetRows.Event(scan, source, ++sequence, ChangeEventTypes.AssetCreated, created, ["created"], now));
        }

        JsonObject stored = JsonNode.Parse(LargeText.Read(row, AssetColumns.Attributes) ?? "{}") as JsonObject ?? [];
        var added = new List<string>();
        foreach ((string key, JsonNode? value) in o.Asset.Attributes)
        {
            if (!stored.ContainsKey(key))
            {
                stored[key] = value?.DeepClone();
                added.Add("attributes." + key);
            }
        }

        DiscoveredAsset merged = o.Asset with { Name = row.GetString(AssetColumns.Name) ?? o.Asset.Name, Attributes = stored };
        string hash = ContentHash.Compute(merged);
        bool inactive = row.GetString(AssetColumns.State) != AssetState.Active;
        if (hash == row.GetString(AssetColumns.Hash) && !inactive)
        {
            var touch = new TableEntity(partition, rowKey) { [AssetColumns.LastSeen] = now };
            SetUsage(touch, o, row, drains);
            return (new TableTransactionAction(TableTransactionActionType.UpdateMerge, touch, row.ETag), null);
        }

        long version = (row.GetInt64(AssetColumns.Version) ?? 0) + 1;
        TableEntity next = AssetRows.Create(partition, rowKey, scan, merged, hash, version, AssetState.Active, null,
            row.GetDateTimeOffset(AssetColumns.FirstSeen) ?? now, now, now);
        SetUsage(next, o, row, drains);
        string type = inactive ? ChangeEventTypes.AssetRestored : ChangeEventTypes.AssetUpdated;
        return (new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, row.ETag),
            AssetRows.Event(scan, source, ++sequence, type, next, inactive ? ["state", .. added] : added, now));
    }

    /// <summary>
    /// The table refused the row (400: a property or the entity too large, 413), or it could not even be built (a value
    /// past what <see cref="LargeText"/> fits): writing it again will not help.
    /// </summary>
    private static bool Refused(Exception ex) => ex is RequestFailedException { Status: 400 or 413 } or InvalidOperationException;

    /// <summary>
    /// The row's drain list with <paramref name="drainId"/> added (the oldest dropped past <see cref="RememberedDrains"/>);
    /// <paramref name="applied"/> when it was already there. A re-application of part of a failed drain comes as
    /// <c>{drain}:{part}</c>: it counts as applied when that part was, or when the whole drain <c>{drain}</c> was (its
    /// first application reached this row), so another part of the same drain applied later is never skipped.
    /// </summary>
    internal static string? Remember(string? stored, string? drainId, out bool applied)
    {
        string[] ids = stored?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        int part = drainId?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        applied = drainId is not null
            && (ids.Contains(drainId, StringComparer.Ordinal) || (part > 0 && ids.Contains(drainId[..part], StringComparer.Ordinal)));
        if (drainId is null)
        {
            return stored;
        }

        return string.Join(' ', ids.Append(drainId).TakeLast(RememberedDrains));
    }

    private static void SetUsage(TableEntity target, ObservedAsset o, TableEntity? stored, string? drains)
    {
        if (drains is not null)
        {
            target[AssetColumns.Drains] = drains;
        }

        o.Usage.MergeInto(target, stored);
    }

    private static async Task<Dictionary<string, TableEntity?>> ReadRowsAsync(TableClient table, string partition, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        string[] keys = [.. rowKeys];
        NullableResponse<TableEntity>[] rows = await Task.WhenAll(keys.Select(k => table.GetEntityIfExistsAsync<TableEntity>(partition, k, cancellationToken: cancellationToken)));
        var result = new Dictionary<string, TableEntity?>(StringComparer.Ordinal);
        for (int i = 0; i < keys.Length; i++)
        {
            result[keys[i]] = rows[i].HasValue ? rows[i].Value : null;
        }

        return result;
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "Quarantined trace-derived asset {Type}/{Id} of tenant {Tenant}: the table refused it ({Error}); other assets are written")]
    private static partial void LogQuarantined(ILogger logger, string tenant, string type, string id, string error);
}

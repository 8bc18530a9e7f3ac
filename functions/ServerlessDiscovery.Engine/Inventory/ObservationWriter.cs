using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;

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
/// is conditional on the row's ETag, so two hosts flushing the same asset never lose each other's counts.
/// </summary>
public sealed class ObservationWriter(TableStore tables, InventoryWriter writer, TimeProvider time, Resolution.ObservationResolver resolver)
{
    private const int ChunkSize = 50;
    private const int MaxAttempts = 5;

    /// <summary>Applies the observations; returns entity writes made.</summary>
    public async Task<int> ApplyAsync(string tenant, string instanceId, IReadOnlyCollection<ObservedAsset> observed, IReadOnlyCollection<DiscoveredEdge> edges, CancellationToken cancellationToken = default)
    {
        // Identities that resolve to a declared asset count on it, not on a trace-derived duplicate.
        Resolution.Diversion diversion = await resolver.DivertAsync(tenant, observed, cancellationToken);
        (observed, edges) = (diversion.Unresolved, diversion.Rewrite(edges));
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instanceId);
        string flushId = Scanning.ScanRun.NewRunId(time.GetUtcNow());
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
                    plan.Add(Plan(scan, partition, rowKey, o, rows[rowKey], ref chunkSequence, now));
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
            }
        }

        (int edgeWrites, _) = await writer.WriteEdgesAsync(scan, edges, new Dictionary<string, string?>(), time.GetUtcNow(), cancellationToken);
        return writes + edgeWrites + diversion.Writes;
    }

    private static (TableTransactionAction?, ChangeEvent?) Plan(ScanIdentity scan, string partition, string rowKey, ObservedAsset o, TableEntity? row, ref int sequence, DateTimeOffset now)
    {
        string source = ChangeEvent.SourceFor(scan.Tenant, scan.InstanceId);
        if (row is null)
        {
            TableEntity created = AssetRows.Create(partition, rowKey, scan, o.Asset, ContentHash.Compute(o.Asset), 1, AssetState.Active, null, now, now, now);
            SetUsage(created, o, null);
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
            SetUsage(touch, o, row);
            return (new TableTransactionAction(TableTransactionActionType.UpdateMerge, touch, row.ETag), null);
        }

        long version = (row.GetInt64(AssetColumns.Version) ?? 0) + 1;
        TableEntity next = AssetRows.Create(partition, rowKey, scan, merged, hash, version, AssetState.Active, null,
            row.GetDateTimeOffset(AssetColumns.FirstSeen) ?? now, now, now);
        SetUsage(next, o, row);
        string type = inactive ? ChangeEventTypes.AssetRestored : ChangeEventTypes.AssetUpdated;
        return (new TableTransactionAction(TableTransactionActionType.UpdateReplace, next, row.ETag),
            AssetRows.Event(scan, source, ++sequence, type, next, inactive ? ["state", .. added] : added, now));
    }

    private static void SetUsage(TableEntity target, ObservedAsset o, TableEntity? stored) => o.Usage.MergeInto(target, stored);

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
}

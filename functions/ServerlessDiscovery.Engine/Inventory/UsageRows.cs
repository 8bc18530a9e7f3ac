using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>Usage observed for one declared asset, and the trace identity it came through.</summary>
public sealed record ResolvedUsage(DeclaredRef Target, string Via, ObservedUsage Usage);

/// <summary>
/// Usage rows: what traces observed of declared assets, one row beside each such asset in its instance's partition
/// (RowKey "!usage~{asset RowKey}"). Scans never read or write them, so an unchanged re-scan still writes nothing;
/// every update is conditional on the row's ETag, so hosts flushing at once never lose each other's counts.
/// </summary>
public sealed class UsageRows(TableStore tables, TimeProvider time)
{
    public const string Prefix = "!usage~";
    private const int MaxAttempts = 5;
    private const int MaxVia = 16;

    public static string RowKey(string type, string id) => Prefix + StorageKeys.AssetRow(type, id);

    /// <summary>
    /// Adds the usage onto the declared assets' usage rows; returns entity writes made. With a <paramref name="drainId"/>
    /// (the OTLP journal's), rows that already record it are skipped, as on trace-derived asset rows.
    /// </summary>
    public async Task<int> AddAsync(string tenant, IReadOnlyCollection<ResolvedUsage> usage, string? drainId = null, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        int writes = 0;
        foreach (IGrouping<string, ResolvedUsage> partition in usage.GroupBy(u => StorageKeys.Partition(tenant, u.Target.Instance)))
        {
            // Several trace identities may resolve to one asset: add them up before touching the row.
            var merged = partition.GroupBy(u => RowKey(u.Target.Type, u.Target.Id)).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            for (int start = 0; start < merged.Length; start += TableQueries.MaxTransactionActions - 1)
            {
                var chunk = merged[start..Math.Min(merged.Length, start + TableQueries.MaxTransactionActions - 1)];
                writes += await WriteChunkAsync(table, partition.Key, chunk, drainId, cancellationToken);
            }
        }

        return writes;
    }

    private async Task<int> WriteChunkAsync(TableClient table, string partition, IGrouping<string, ResolvedUsage>[] chunk, string? drainId, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            NullableResponse<TableEntity>[] rows = await Task.WhenAll(chunk.Select(g => table.GetEntityIfExistsAsync<TableEntity>(partition, g.Key, cancellationToken: cancellationToken)));
            var plan = new List<(TableTransactionAction?, ChangeEvent?)>(chunk.Length);
            for (int i = 0; i < chunk.Length; i++)
            {
                TableEntity? stored = rows[i].HasValue ? rows[i].Value : null;
                plan.Add((Plan(partition, chunk[i], stored, drainId), null));
            }

            try
            {
                return (await InventoryWriter.WriteAsync(table, partition, plan, cancellationToken)).Writes;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another host counted first: read again and add on top of its write.
            }
        }
    }

    private TableTransactionAction? Plan(string partition, IGrouping<string, ResolvedUsage> group, TableEntity? stored, string? drainId)
    {
        string? drains = ObservationWriter.Remember(stored?.GetString(UsageColumns.Drains), drainId, out bool applied);
        if (applied)
        {
            return null;
        }

        ResolvedUsage first = group.First();
        var row = new TableEntity(partition, group.Key)
        {
            [UsageColumns.Type] = first.Target.Type,
            [UsageColumns.Id] = first.Target.Id,
            [UsageColumns.Rule] = group.Last().Target.Rule,
        };
        var total = new ObservedUsage(
            group.Sum(u => u.Usage.Invocations),
            group.Sum(u => u.Usage.InputTokens),
            group.Sum(u => u.Usage.OutputTokens),
            group.Select(u => u.Usage.FirstInvoked ?? u.Usage.LastInvoked).Where(t => t is not null).DefaultIfEmpty().Min(),
            group.Select(u => u.Usage.LastInvoked).Where(t => t is not null).DefaultIfEmpty().Max(),
            [.. group.SelectMany(u => u.Usage.Callers).Distinct(StringComparer.Ordinal)]);
        total.MergeInto(row, stored);
        if (drains is not null)
        {
            row[UsageColumns.Drains] = drains;
        }
        if (row.GetDateTimeOffset(AssetColumns.FirstInvoked) is null)
        {
            // Named by a span but not invoked (yet): the window starts when it was first seen.
            row[AssetColumns.FirstInvoked] = time.GetUtcNow();
        }

        SortedSet<string> via = ObservedUsage.ReadSet(stored, UsageColumns.Via);
        foreach (ResolvedUsage u in group)
        {
            if (via.Count < MaxVia)
            {
                via.Add(u.Via);
            }
        }

        row[UsageColumns.Via] = new System.Text.Json.Nodes.JsonArray([.. via.Select(v => (System.Text.Json.Nodes.JsonNode?)v)]).ToJsonString();
        return stored is null
            ? new TableTransactionAction(TableTransactionActionType.Add, row)
            : new TableTransactionAction(TableTransactionActionType.UpdateMerge, row, stored.ETag);
    }
}

using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>What a reset of a tenant's discoveries changed.</summary>
public sealed record ResetOutcome(int AssetsDeleted, int RelationshipsDeleted, int UsageRowsCleared, string RunId);

/// <summary>
/// OpenCITE's reset-discoveries for one tenant: every asset it has not already deleted becomes deleted, each with its
/// Asset.Deleted change event written in the same transaction (so subscribers and the change log see the reset as
/// deletions, never a silent wipe); its relationships are marked deleted and the usage counted for declared assets is
/// cleared. Instances, schedules, webhooks and mappings are left alone: the next scan restores what its source still
/// declares, the next trace what it still observes.
/// </summary>
public sealed class DiscoveryReset(TableStore tables, TimeProvider time)
{
    public async Task<ResetOutcome> ResetAsync(string tenant, string requestedBy, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        string runId = $"reset-{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..40];
        string reason = $"Discoveries reset through POST /api/v1/reset-discoveries by {requestedBy} at {now:O}.";
        TableClient assets = await tables.GetTableAsync(TableNames.Assets, cancellationToken);

        var partitions = new SortedDictionary<string, List<TableEntity>>(StringComparer.Ordinal);
        await foreach (TableEntity row in assets.QueryAsync<TableEntity>(TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator), cancellationToken: cancellationToken))
        {
            bool usage = row.RowKey.StartsWith(UsageRows.Prefix, StringComparison.Ordinal);
            if (usage || (!row.RowKey.StartsWith('!') && row.GetString(AssetColumns.State) != AssetState.Deleted))
            {
                if (!partitions.TryGetValue(row.PartitionKey, out List<TableEntity>? list))
                {
                    partitions[row.PartitionKey] = list = [];
                }

                list.Add(row);
            }
        }

        // One sequence across partitions: event ids stay unique within the reset, whatever instance they come from.
        int deleted = 0, cleared = 0, sequence = 0;
        foreach ((string partition, List<TableEntity> rows) in partitions)
        {
            string instance = rows[0].GetString(AssetColumns.Instance) ?? partition[(tenant.Length + 1)..];
            var scan = new ScanIdentity(tenant, instance, runId, Force: true);
            string source = ChangeEvent.SourceFor(tenant, instance);
            var plan = new List<(TableTransactionAction?, ChangeEvent?)>(rows.Count);
            foreach (TableEntity row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
            {
                if (row.RowKey.StartsWith(UsageRows.Prefix, StringComparison.Ordinal))
                {
                    plan.Add((new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All), null));
                    cleared++;
                }
                else
                {
                    plan.Add(InventoryWriter.Transition(scan, source, row, AssetState.Deleted, reason, ChangeEventTypes.AssetDeleted, ++sequence, now));
                    deleted++;
                }
            }

            await InventoryWriter.WriteAsync(assets, partition, plan, cancellationToken);
        }

        return new ResetOutcome(deleted, await DeleteEdgesAsync(tenant, now, cancellationToken), cleared, runId);
    }

    private async Task<int> DeleteEdgesAsync(string tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TableClient edges = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        var byPartition = new Dictionary<string, List<TableTransactionAction>>(StringComparer.Ordinal);
        await foreach (TableEntity edge in edges.QueryAsync<TableEntity>(TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator), cancellationToken: cancellationToken))
        {
            if (edge.GetString(EdgeColumns.State) == AssetState.Active)
            {
                if (!byPartition.TryGetValue(edge.PartitionKey, out List<TableTransactionAction>? list))
                {
                    byPartition[edge.PartitionKey] = list = [];
                }

                list.Add(new TableTransactionAction(TableTransactionActionType.UpdateMerge,
                    new TableEntity(edge.PartitionKey, edge.RowKey) { [EdgeColumns.State] = AssetState.Deleted, [EdgeColumns.StateChangedAt] = now }, ETag.All));
            }
        }

        int count = 0;
        foreach (List<TableTransactionAction> actions in byPartition.Values)
        {
            foreach (TableTransactionAction[] chunk in actions.Chunk(TableQueries.MaxTransactionActions))
            {
                await edges.SubmitTransactionAsync(chunk, cancellationToken);
                count += chunk.Length;
            }
        }

        return count;
    }
}

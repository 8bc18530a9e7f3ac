using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.ChangeFeed;
using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Storage.Inventory;

/// <summary>
/// The inventory on Table Storage: assets, usage and outbox rows of an instance in one partition of the "assets" table
/// (<see cref="InventoryRows"/>), edges in the "edges" table. A commit packs up to 99 asset or usage operations and one
/// outbox row holding their events into each entity group transaction, so a change and its event commit together at
/// about one extra write per 99 changes.
/// </summary>
internal sealed class TableInventoryStore(TableStore tables) : IInventoryStore, IOutboxStore
{
    /// <summary>Most bytes (estimated) sent in one transaction: the service takes 4 MiB.</summary>
    private const int MaxTransactionBytes = 3_500_000;

    /// <summary>Most event text in one outbox row: it must fit an entity (1 MiB, strings stored as UTF-16).</summary>
    private const int MaxOutboxChars = 400_000;

    public async Task<InstanceInventory> ReadInstanceAsync(string tenant, string instance, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var assets = new Dictionary<AssetKey, Asset>();
        var usage = new Dictionary<AssetKey, AssetUsage>();

        // One query: usage rows ("!usage~") sort just before the asset rows, after the outbox rows ("!outbox~").
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(
            TableQueries.RowKeyFrom(StorageKeys.Partition(tenant, instance), InventoryRows.UsagePrefix), cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(InventoryRows.UsagePrefix, StringComparison.Ordinal))
            {
                AssetUsage u = InventoryRows.ToUsage(row);
                usage[u.Key] = u;
            }
            else if (!row.RowKey.StartsWith('!'))
            {
                Asset a = InventoryRows.ToAsset(row);
                assets[a.Key] = a;
            }
        }

        return new InstanceInventory(assets, usage);
    }

    public async Task<IReadOnlyDictionary<AssetKey, Asset>> ReadAssetsAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        AssetKey[] wanted = [.. keys.Distinct()];
        NullableResponse<TableEntity>[] rows = await Task.WhenAll(wanted.Select(k =>
            table.GetEntityIfExistsAsync<TableEntity>(partition, StorageKeys.AssetRow(k.Type, k.Id), cancellationToken: cancellationToken)));
        var found = new Dictionary<AssetKey, Asset>();
        for (int i = 0; i < wanted.Length; i++)
        {
            if (rows[i].HasValue)
            {
                found[wanted[i]] = InventoryRows.ToAsset(rows[i].Value!);
            }
        }

        return found;
    }

    public async Task<IReadOnlyDictionary<AssetKey, AssetUsage>> ReadUsageAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        AssetKey[] wanted = [.. keys.Distinct()];
        NullableResponse<TableEntity>[] rows = await Task.WhenAll(wanted.Select(k =>
            table.GetEntityIfExistsAsync<TableEntity>(partition, InventoryRows.UsageRowKey(k.Type, k.Id), cancellationToken: cancellationToken)));
        var found = new Dictionary<AssetKey, AssetUsage>();
        for (int i = 0; i < wanted.Length; i++)
        {
            if (rows[i].HasValue)
            {
                found[wanted[i]] = InventoryRows.ToUsage(rows[i].Value!);
            }
        }

        return found;
    }

    public async Task<CommitResult> CommitAsync(string tenant, string instance, IReadOnlyList<PlannedChange> plan, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        try
        {
            return await SubmitAsync(table, partition, [.. plan.Select(c => (c.Write is null ? null : AssetAction(partition, c.Write), c.Event))], cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            // A value past what one entity holds (LargeText's bound, an asset's or an outbox row's): no row can be built for it.
            throw new InventoryRefusedException(ex.Message, ex);
        }
    }

    public async Task<IReadOnlyDictionary<EdgeKey, Edge>> ReadEdgesAsync(string tenant, string instance, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        var edges = new Dictionary<EdgeKey, Edge>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Partition(tenant, instance)), cancellationToken: cancellationToken))
        {
            Edge edge = EdgeRows.ToEdge(row);
            edges[edge.Key] = edge;
        }

        return edges;
    }

    public async Task<CommitResult> CommitEdgesAsync(string tenant, string instance, IReadOnlyList<InventoryWrite> writes, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        return await SubmitAsync(table, partition, writes.Select(w => ((TableTransactionAction?)EdgeAction(partition, w), (OutboxEvent?)null)), cancellationToken);
    }

    public async Task<TenantAssets> ReadTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var assets = new List<Asset>();
        var usage = new Dictionary<(string, AssetKey), AssetUsage>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TenantPartitions(tenant), cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(InventoryRows.UsagePrefix, StringComparison.Ordinal))
            {
                AssetUsage u = InventoryRows.ToUsage(row);
                usage[(u.Instance, u.Key)] = u;
            }
            else if (!row.RowKey.StartsWith('!'))
            {
                assets.Add(InventoryRows.ToAsset(row));
            }
        }

        return new TenantAssets(assets, usage);
    }

    public async Task<IReadOnlyList<Edge>> ReadTenantEdgesAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        var edges = new List<Edge>();
        string filter = TableQueries.And(TenantPartitions(tenant), TableQueries.Equal(EdgeColumns.State, AssetStates.Active));
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            edges.Add(EdgeRows.ToEdge(row));
        }

        return edges;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string tenant, string instance, int max, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        TablePage<TableEntity> page = await table.QueryPageAsync<TableEntity>(
            TableQueries.RowKeyPrefix(StorageKeys.Partition(tenant, instance), InventoryRows.OutboxPrefix), max, cancellationToken: cancellationToken);
        return [.. page.Items.Select(r => new OutboxEntry(r.RowKey, r.GetInt32(OutboxColumns.Count) ?? 0, LargeText.Read(r, OutboxColumns.Events) ?? "[]"))];
    }

    public async Task DeleteOutboxAsync(string tenant, string instance, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        foreach (OutboxEntry[] chunk in entries.Chunk(TableQueries.MaxTransactionActions))
        {
            try
            {
                await table.SubmitTransactionAsync([.. chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.Id), ETag.All))], cancellationToken);
            }
            catch (TableTransactionFailedException ex) when (ex.Status == 404)
            {
                // Another host relayed some of these rows and deleted them first: delete the rest (a missing row answers 404, no exception).
                foreach (OutboxEntry entry in chunk)
                {
                    await table.DeleteEntityAsync(partition, entry.Id, ETag.All, cancellationToken);
                }
            }
        }
    }

    private static string TenantPartitions(string tenant) => TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator);

    private static TableTransactionAction AssetAction(string partition, InventoryWrite write) => write switch
    {
        PutAsset { IfAbsent: true } put => new(TableTransactionActionType.Add, InventoryRows.ToRow(put.Asset)),
        PutAsset { IfMatch: { } etag } put => new(TableTransactionActionType.UpdateReplace, InventoryRows.ToRow(put.Asset), new ETag(etag)),
        PutAsset put => new(TableTransactionActionType.UpsertReplace, InventoryRows.ToRow(put.Asset)),
        TouchAsset { IfMatch: { } etag } touch => new(TableTransactionActionType.UpdateMerge, InventoryRows.ToRow(partition, touch), new ETag(etag)),
        TouchAsset touch => new(TableTransactionActionType.UpsertMerge, InventoryRows.ToRow(partition, touch)),
        PutUsage { Usage.ETag: { } etag } put => new(TableTransactionActionType.UpdateMerge, InventoryRows.ToRow(put.Usage), new ETag(etag)),
        PutUsage put => new(TableTransactionActionType.Add, InventoryRows.ToRow(put.Usage)),
        DeleteUsage delete => new(TableTransactionActionType.Delete, new TableEntity(partition, InventoryRows.UsageRowKey(delete.Key.Type, delete.Key.Id)), ETag.All),
        _ => throw new ArgumentException($"{write.GetType().Name} is not an asset or usage write.", nameof(write)),
    };

    private static TableTransactionAction EdgeAction(string partition, InventoryWrite write) => write switch
    {
        PutEdge put => new(TableTransactionActionType.UpsertReplace, EdgeRows.ToRow(put.Edge)),
        RetireEdge retire => new(TableTransactionActionType.UpsertMerge, new TableEntity(partition, EdgeRows.RowKey(retire.Key))
        {
            [EdgeColumns.State] = AssetStates.Deleted,
            [EdgeColumns.StateChangedAt] = retire.At,
        }),
        _ => throw new ArgumentException($"{write.GetType().Name} is not an edge write.", nameof(write)),
    };

    /// <summary>
    /// Packs actions into entity group transactions: up to 99 operations plus one outbox row holding their events, and
    /// never more than about <see cref="MaxTransactionBytes"/> or <see cref="MaxOutboxChars"/> of events in one.
    /// </summary>
    private static async Task<CommitResult> SubmitAsync(
        TableClient table, string partition, IEnumerable<(TableTransactionAction? Action, OutboxEvent? Event)> plan, CancellationToken cancellationToken)
    {
        var ops = new List<TableTransactionAction>(TableQueries.MaxTransactionActions);
        var events = new List<string>();
        string? firstEventId = null;
        int bytes = 0, eventChars = 0;
        CommitResult result = default;

        async Task FlushAsync()
        {
            if (events.Count > 0)
            {
                var outbox = new TableEntity(partition, InventoryRows.OutboxPrefix + StorageKeys.Escape(firstEventId!)) { [OutboxColumns.Count] = events.Count };
                LargeText.Write(outbox, OutboxColumns.Events, "[" + string.Join(',', events) + "]");
                ops.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, outbox));
            }

            if (ops.Count > 0)
            {
                await SubmitOneAsync(table, ops, cancellationToken);
                result += new CommitResult(ops.Count, 1);
            }

            ops.Clear();
            events.Clear();
            firstEventId = null;
            bytes = eventChars = 0;
        }

        foreach ((TableTransactionAction? action, OutboxEvent? change) in plan)
        {
            string? json = change?.Json;
            int size = (action is null ? 0 : EstimateBytes(action)) + (json is null ? 0 : json.Length * 2);
            bool full = ops.Count + (action is null ? 0 : 1) > TableQueries.MaxTransactionActions - 1
                || (ops.Count + events.Count > 0 && (bytes + size > MaxTransactionBytes || eventChars + (json?.Length ?? 0) > MaxOutboxChars));
            if (full)
            {
                await FlushAsync();
            }

            if (action is not null)
            {
                ops.Add(action);
            }

            if (json is not null)
            {
                events.Add(json);
                firstEventId ??= change!.Id;
                eventChars += json.Length;
            }

            bytes += size;
        }

        await FlushAsync();
        return result;
    }

    /// <summary>Submits one transaction, telling a lost race (409, 412) and a refusal (400, 413) apart from an outage.</summary>
    private static async Task SubmitOneAsync(TableClient table, List<TableTransactionAction> ops, CancellationToken cancellationToken)
    {
        try
        {
            await table.SubmitTransactionAsync(ops, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            throw new InventoryConflictException($"Another writer changed the inventory first ({ex.Status} {ex.ErrorCode}).", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 400 or 413)
        {
            throw new InventoryRefusedException($"The table refused the batch ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    private static int EstimateBytes(TableTransactionAction action) =>
        1024 + ((IDictionary<string, object>)action.Entity).Values.Sum(v => v is string s ? s.Length * 2 : 16);
}

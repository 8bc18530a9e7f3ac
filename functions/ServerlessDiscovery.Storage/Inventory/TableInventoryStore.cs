using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain;
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

    public Task<IReadOnlyDictionary<AssetKey, Asset>> ReadAssetsAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(tenant, instance, keys, k => StorageKeys.AssetRow(k.Type, k.Id), InventoryRows.ToAsset, cancellationToken);

    public Task<IReadOnlyDictionary<AssetKey, AssetUsage>> ReadUsageAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(tenant, instance, keys, k => InventoryRows.UsageRowKey(k.Type, k.Id), InventoryRows.ToUsage, cancellationToken);

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

    public async IAsyncEnumerable<Asset> QueryAssetsAsync(AssetListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (listing.Types is { Count: 0 })
        {
            yield break;
        }

        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(AssetFilter(listing), cancellationToken: cancellationToken))
        {
            yield return InventoryRows.ToAsset(row);
        }
    }

    public async Task<AssetPage> ListAssetsAsync(AssetListing listing, int max, string? continuationToken, CancellationToken cancellationToken = default)
    {
        if (listing.Types is { Count: 0 })
        {
            return new AssetPage([], null);
        }

        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        TablePage<TableEntity> page = await table.QueryPageAsync<TableEntity>(AssetFilter(listing), max, continuationToken, cancellationToken: cancellationToken);
        return new AssetPage([.. page.Items.Select(InventoryRows.ToAsset)], page.ContinuationToken);
    }

    public async Task<IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage>> ReadUsageAsync(string tenant, IEnumerable<string> instances, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var usage = new Dictionary<(string, AssetKey), AssetUsage>();
        foreach (string instance in instances.Distinct(StringComparer.Ordinal))
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(
                TableQueries.RowKeyPrefix(StorageKeys.Partition(tenant, instance), InventoryRows.UsagePrefix), cancellationToken: cancellationToken))
            {
                AssetUsage u = InventoryRows.ToUsage(row);
                usage[(u.Instance, u.Key)] = u;
            }
        }

        return usage;
    }

    public async Task<IReadOnlyList<Asset>> FindAssetAsync(string tenant, AssetKey key, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var assets = new List<Asset>();
        string filter = TableQueries.And(TenantPartitions(tenant), TableQueries.Equal("RowKey", StorageKeys.AssetRow(key.Type, key.Id)));
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            assets.Add(InventoryRows.ToAsset(row));
        }

        return assets;
    }

    public async IAsyncEnumerable<Edge> QueryEdgesAsync(EdgeListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(EdgeFilter(listing), cancellationToken: cancellationToken))
        {
            yield return EdgeRows.ToEdge(row);
        }
    }

    public async IAsyncEnumerable<EdgeKey> QueryActiveEdgeKeysAsync(EdgeListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        string filter = TableQueries.And(EdgeFilter(listing), TableQueries.Equal(EdgeColumns.State, AssetStates.Active));
        // Only the identity's columns: a whole row costs over twice the allocations to read, most of them never used here.
        string[] columns = [EdgeColumns.SourceType, EdgeColumns.SourceId, EdgeColumns.Relationship, EdgeColumns.TargetType, EdgeColumns.TargetId];
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, TableQueries.MaxPageSize, columns, cancellationToken))
        {
            yield return new EdgeKey(
                row.GetString(EdgeColumns.SourceType) ?? string.Empty, row.GetString(EdgeColumns.SourceId) ?? string.Empty, row.GetString(EdgeColumns.Relationship) ?? string.Empty,
                row.GetString(EdgeColumns.TargetType) ?? string.Empty, row.GetString(EdgeColumns.TargetId) ?? string.Empty);
        }
    }

    public async Task<InventoryCounts> CountAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default)
    {
        TableClient assets = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int read = 0;
        await foreach (TableEntity row in assets.QueryAsync<TableEntity>(AssetFilter(new AssetListing(tenant)), select: [AssetColumns.Type, AssetColumns.State], cancellationToken: cancellationToken))
        {
            if (++read > maxRecords)
            {
                return new InventoryCounts(counts, 0, Partial: true);
            }

            if (row.GetString(AssetColumns.State) != AssetStates.Deleted && row.GetString(AssetColumns.Type) is { } type)
            {
                counts[type] = counts.GetValueOrDefault(type) + 1;
            }
        }

        TableClient edges = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        int active = 0;
        await foreach (TableEntity row in edges.QueryAsync<TableEntity>(TenantPartitions(tenant), select: [EdgeColumns.State], cancellationToken: cancellationToken))
        {
            if (++read > maxRecords)
            {
                return new InventoryCounts(counts, active, Partial: true);
            }

            active += row.GetString(EdgeColumns.State) == AssetStates.Active ? 1 : 0;
        }

        return new InventoryCounts(counts, active, Partial: false);
    }

    public async Task<(DateTimeOffset? LastModified, bool Partial)> LastModifiedAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        DateTimeOffset? last = null;
        int read = 0;
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TenantPartitions(tenant), select: ["Timestamp"], cancellationToken: cancellationToken))
        {
            if (row.Timestamp > last || last is null)
            {
                last = row.Timestamp;
            }

            if (++read >= maxRecords)
            {
                return (last, true);
            }
        }

        return (last, false);
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

    /// <summary>Point reads of one partition's rows, in parallel; rows that do not exist are absent from the answer.</summary>
    private async Task<IReadOnlyDictionary<AssetKey, T>> ReadRowsAsync<T>(
        string tenant, string instance, IReadOnlyCollection<AssetKey> keys, Func<AssetKey, string> rowKey, Func<TableEntity, T> map, CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instance);
        AssetKey[] wanted = [.. keys.Distinct()];
        NullableResponse<TableEntity>[] rows = await Task.WhenAll(wanted.Select(k =>
            table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey(k), cancellationToken: cancellationToken)));
        var found = new Dictionary<AssetKey, T>();
        for (int i = 0; i < wanted.Length; i++)
        {
            if (rows[i].HasValue)
            {
                found[wanted[i]] = map(rows[i].Value!);
            }
        }

        return found;
    }

    private static string TenantPartitions(string tenant) => TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator);

    /// <summary>The tenant's partitions ({tenant}~{instance}), or one instance's.</summary>
    private static string Partitions(string tenant, string? instance) =>
        instance is null ? TenantPartitions(tenant) : TableQueries.Partition(StorageKeys.Partition(tenant, instance));

    /// <summary>The listing's asset rows (outbox and usage rows excluded: asset row keys start with a lower-case type).</summary>
    private static string EdgeFilter(EdgeListing listing) => TableQueries.And(
        Partitions(listing.Tenant, listing.Instance),
        listing.SourceId is null ? null : TableQueries.Equal(EdgeColumns.SourceId, listing.SourceId),
        listing.TargetId is null ? null : TableQueries.Equal(EdgeColumns.TargetId, listing.TargetId));

    private static string AssetFilter(AssetListing listing)
    {
        string rows = listing.Types is null
            ? "RowKey ge 'a'"
            : string.Join(" or ", listing.Types.Select(t => "(" + TableQueries.Range("RowKey", StorageKeys.TypePrefix(t)) + ")"));
        return TableQueries.And(Partitions(listing.Tenant, listing.Instance), rows, listing.State is null ? null : TableQueries.Equal(AssetColumns.State, listing.State));
    }

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
            throw new WriteConflictException($"Another writer changed the inventory first ({ex.Status} {ex.ErrorCode}).", ex);
        }
        catch (RequestFailedException ex) when (ex.Status is 400 or 413)
        {
            throw new InventoryRefusedException($"The table refused the batch ({ex.Status} {ex.ErrorCode}).", ex);
        }
    }

    private static int EstimateBytes(TableTransactionAction action) =>
        1024 + ((IDictionary<string, object>)action.Entity).Values.Sum(v => v is string s ? s.Length * 2 : 16);
}

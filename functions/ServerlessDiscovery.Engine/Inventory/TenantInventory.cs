using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>Every asset row of a tenant (all its instances' partitions) and the usage rows beside them.</summary>
public sealed record TenantRows(IReadOnlyList<TableEntity> Assets, IReadOnlyDictionary<(string Partition, string RowKey), TableEntity> Usage)
{
    /// <summary>The usage row of an asset row, if traces resolved to it.</summary>
    public TableEntity? UsageOf(TableEntity asset) => Usage.GetValueOrDefault((asset.PartitionKey, UsageRows.Prefix + asset.RowKey));
}

/// <summary>Reads a tenant's inventory in one range query over its partitions (outbox rows skipped).</summary>
public sealed class TenantInventory(TableStore tables)
{
    public async Task<TenantRows> LoadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var assets = new List<TableEntity>();
        var usage = new Dictionary<(string, string), TableEntity>();
        string filter = TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey.StartsWith(UsageRows.Prefix, StringComparison.Ordinal))
            {
                usage[(row.PartitionKey, row.RowKey)] = row;
            }
            else if (!row.RowKey.StartsWith('!'))
            {
                assets.Add(row);
            }
        }

        return new TenantRows(assets, usage);
    }

    /// <summary>The usage rows of some partitions, for listings that show a page of assets.</summary>
    public async Task<IReadOnlyDictionary<(string Partition, string RowKey), TableEntity>> UsageAsync(IEnumerable<string> partitions, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        var usage = new Dictionary<(string, string), TableEntity>();
        foreach (string partition in partitions.Distinct(StringComparer.Ordinal))
        {
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.RowKeyPrefix(partition, UsageRows.Prefix), cancellationToken: cancellationToken))
            {
                usage[(row.PartitionKey, row.RowKey)] = row;
            }
        }

        return usage;
    }
}

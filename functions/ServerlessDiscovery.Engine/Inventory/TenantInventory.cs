using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>Every asset row of a tenant (all its instances' partitions) and the usage rows beside them.</summary>
public sealed record TenantRows(IReadOnlyList<TableEntity> Assets, IReadOnlyDictionary<(string Partition, string RowKey), TableEntity> Usage)
{
    /// <summary>The usage row of an asset row, if traces resolved to it.</summary>
    public TableEntity? UsageOf(TableEntity asset) => Usage.GetValueOrDefault((asset.PartitionKey, UsageRows.Prefix + asset.RowKey));
}

/// <summary>
/// Reads a tenant's inventory as rows in one range query over its partitions (outbox rows skipped), for the readers
/// that still work on rows (findings, resolution's declared index). New readers use
/// <see cref="Domain.Inventory.IInventoryStore.ReadTenantAsync"/>, which answers the same as domain assets; remove this
/// once those readers switch.
/// </summary>
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
}

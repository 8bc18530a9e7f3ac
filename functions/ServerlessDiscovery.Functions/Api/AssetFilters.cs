using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>The storage filters and row tests the asset reads share: a tenant's (or one instance's) partitions, types, visibility, text.</summary>
internal static class AssetFilters
{
    /// <summary>The tenant's asset rows, or one instance's, optionally limited to some types; outbox and usage rows excluded.</summary>
    public static string Assets(string tenant, string? instance, string[]? types)
    {
        string rows = types is null
            ? "RowKey ge 'a'"
            : string.Join(" or ", types.Select(t => "(" + TableQueries.Range("RowKey", StorageKeys.TypePrefix(t)) + ")"));
        return TableQueries.And(Partitions(tenant, instance), rows);
    }

    /// <summary>The tenant's partitions ({tenant}~{instance}), or one instance's.</summary>
    public static string Partitions(string tenant, string? instance) =>
        instance is null ? TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator) : TableQueries.Partition(StorageKeys.Partition(tenant, instance));

    public static bool Visible(TableEntity row, bool includeDeleted) =>
        includeDeleted || row.GetString(AssetColumns.State) != AssetState.Deleted;

    public static bool Matches(TableEntity row, string? q) =>
        string.IsNullOrEmpty(q)
        || (row.GetString(AssetColumns.Name)?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (row.GetString(AssetColumns.Id)?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);
}

using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Mappings;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>Which assets of a tenant a whole-estate read takes.</summary>
/// <param name="Instance">One instance's partition, or all of the tenant's.</param>
/// <param name="Types">Asset types to read; null reads every type, empty reads none.</param>
/// <param name="Query">A case-insensitive substring of the name or id.</param>
/// <param name="Provenance">declared, observed or both; null for any.</param>
/// <param name="IncludeDeleted">Whether deleted assets are listed.</param>
/// <param name="MaxAssets">At most this many assets are taken; more sets <see cref="TenantEstate.Truncated"/>.</param>
internal sealed record EstateQuery(string? Instance, string[]? Types, string? Query, string? Provenance, bool IncludeDeleted, int MaxAssets);

/// <summary>
/// A bounded read of a tenant's inventory for the OpenCITE-shaped documents (grouped assets, per-type lists,
/// export, persistence): the assets with their usage rows, the active relationships among them and the tool
/// mappings. It stops at a cap and says so instead of growing with the estate; the paged
/// <c>/api/v1/inventory</c> is the way through an estate larger than that.
/// </summary>
internal sealed class TenantEstate
{
    /// <summary>Most relationships one document carries.</summary>
    public const int MaxEdges = 50_000;

    private TenantEstate(string tenant, List<(TableEntity Row, TableEntity? Usage)> assets, bool truncated, List<TableEntity> edges, bool edgesTruncated, ToolMappingSet mappings)
    {
        Tenant = tenant;
        Assets = assets;
        Truncated = truncated;
        Edges = edges;
        EdgesTruncated = edgesTruncated;
        Relations = new AssetRelations(edges);
        Mappings = mappings;
    }

    public string Tenant { get; }

    /// <summary>The assets taken, in table order, each with its usage row when traces resolved to it.</summary>
    public IReadOnlyList<(TableEntity Row, TableEntity? Usage)> Assets { get; }

    /// <summary>Set when more assets matched than <see cref="EstateQuery.MaxAssets"/>.</summary>
    public bool Truncated { get; }

    /// <summary>The tenant's active relationships (of the instance, when one was asked for).</summary>
    public IReadOnlyList<TableEntity> Edges { get; }

    public bool EdgesTruncated { get; }

    public AssetRelations Relations { get; }

    public ToolMappingSet Mappings { get; }

    public static async Task<TenantEstate> LoadAsync(
        TableStore tables, TenantInventory inventory, ToolMappingStore mappings, string tenant, EstateQuery query, CancellationToken cancellationToken = default)
    {
        var rows = new List<TableEntity>();
        bool truncated = false;
        if (query.Types is not { Length: 0 })
        {
            TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
            await foreach (TableEntity row in table.QueryAsync<TableEntity>(AssetsApi.Filter(tenant, query.Instance, query.Types), cancellationToken: cancellationToken))
            {
                if (!AssetsApi.Visible(row, query.IncludeDeleted) || !AssetsApi.Matches(row, query.Query))
                {
                    continue;
                }

                // Provenance needs the usage rows, read below; the cap is checked again after that filter.
                if (rows.Count >= query.MaxAssets && query.Provenance is null)
                {
                    truncated = true;
                    break;
                }

                rows.Add(row);
            }
        }

        var usage = await inventory.UsageAsync(rows.Where(r => !Provenance.IsTraceDerived(r)).Select(r => r.PartitionKey), cancellationToken);
        var assets = new List<(TableEntity, TableEntity?)>(rows.Count);
        foreach (TableEntity row in rows)
        {
            TableEntity? used = usage.GetValueOrDefault((row.PartitionKey, UsageRows.Prefix + row.RowKey));
            if (query.Provenance is not null && Provenance.Of(row, used) != query.Provenance)
            {
                continue;
            }

            if (assets.Count >= query.MaxAssets)
            {
                truncated = true;
                break;
            }

            assets.Add((row, used));
        }

        var edges = new List<TableEntity>();
        bool edgesTruncated = false;
        TableClient edgeTable = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        await foreach (TableEntity edge in edgeTable.QueryAsync<TableEntity>(AssetsApi.Partitions(tenant, query.Instance), cancellationToken: cancellationToken))
        {
            if (edge.GetString(EdgeColumns.State) != AssetState.Active)
            {
                continue;
            }

            if (edges.Count >= MaxEdges)
            {
                edgesTruncated = true;
                break;
            }

            edges.Add(edge);
        }

        return new TenantEstate(tenant, assets, truncated, edges, edgesTruncated, await mappings.LoadAsync(tenant, cancellationToken));
    }
}

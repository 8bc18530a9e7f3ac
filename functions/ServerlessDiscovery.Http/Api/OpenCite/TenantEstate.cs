using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>Which assets of a tenant a whole-estate read takes.</summary>
/// <param name="Instance">One instance's assets, or all of the tenant's.</param>
/// <param name="Types">Asset types to read; null reads every type, empty reads none.</param>
/// <param name="Query">A case-insensitive substring of the name or id.</param>
/// <param name="Provenance">declared, observed or both; null for any.</param>
/// <param name="IncludeDeleted">Whether deleted assets are listed.</param>
/// <param name="MaxAssets">At most this many assets are taken; more sets <see cref="TenantEstate.Truncated"/>.</param>
internal sealed record EstateQuery(string? Instance, string[]? Types, string? Query, string? Provenance, bool IncludeDeleted, int MaxAssets);

/// <summary>
/// A bounded read of a tenant's inventory for the OpenCITE-shaped documents (grouped assets, per-type lists,
/// export, persistence): the assets with their usage, the active relationships among them and the tool
/// mappings. It stops at a cap and says so instead of growing with the estate; the paged
/// <c>/api/v1/inventory</c> is the way through an estate larger than that.
/// </summary>
internal sealed class TenantEstate
{
    /// <summary>Most relationships one document carries.</summary>
    public const int MaxEdges = 50_000;

    private TenantEstate(string tenant, List<(Asset Asset, AssetUsage? Usage)> assets, bool truncated, List<Edge> edges, bool edgesTruncated, ToolMappingSet mappings)
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

    /// <summary>The assets taken, in the store's order, each with its usage when traces resolved to it.</summary>
    public IReadOnlyList<(Asset Asset, AssetUsage? Usage)> Assets { get; }

    /// <summary>Set when more assets matched than <see cref="EstateQuery.MaxAssets"/>.</summary>
    public bool Truncated { get; }

    /// <summary>The tenant's active relationships (of the instance, when one was asked for).</summary>
    public IReadOnlyList<Edge> Edges { get; }

    public bool EdgesTruncated { get; }

    public AssetRelations Relations { get; }

    public ToolMappingSet Mappings { get; }

    public static async Task<TenantEstate> LoadAsync(
        IInventoryStore store, IToolMappingStore mappings, string tenant, EstateQuery query, CancellationToken cancellationToken = default)
    {
        var found = new List<Asset>();
        bool truncated = false;
        await foreach (Asset asset in store.QueryAssetsAsync(new AssetListing(tenant, query.Instance, query.Types), cancellationToken))
        {
            if (!AssetsApi.Visible(asset, query.IncludeDeleted) || !AssetsApi.Matches(asset, query.Query))
            {
                continue;
            }

            // Provenance needs the usage, read below; the cap is checked again after that filter.
            if (found.Count >= query.MaxAssets && query.Provenance is null)
            {
                truncated = true;
                break;
            }

            found.Add(asset);
        }

        var usage = await store.ReadUsageAsync(tenant, found.Where(a => !Provenance.IsTraceDerived(a)).Select(a => a.Instance), cancellationToken);
        var assets = new List<(Asset, AssetUsage?)>(found.Count);
        foreach (Asset asset in found)
        {
            AssetUsage? used = usage.GetValueOrDefault((asset.Instance, asset.Key));
            if (query.Provenance is not null && Provenance.Of(asset, used) != query.Provenance)
            {
                continue;
            }

            if (assets.Count >= query.MaxAssets)
            {
                truncated = true;
                break;
            }

            assets.Add((asset, used));
        }

        var edges = new List<Edge>();
        bool edgesTruncated = false;
        await foreach (Edge edge in store.QueryEdgesAsync(new EdgeListing(tenant, query.Instance), cancellationToken))
        {
            if (edge.State != AssetState.Active)
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

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// Each tenant's <see cref="DeclaredIndex"/>, rebuilt from the store at most every Discovery__ResolutionIndexTtl, so
/// resolution on the trace path costs lookups, not queries. A scan's new assets resolve once the index is rebuilt.
/// </summary>
public sealed class DeclaredIndexCache(IInventoryStore inventory, IInstanceStore instances, TimeProvider time, IOptions<DiscoveryOptions> options)
{
    private readonly ConcurrentDictionary<string, (DeclaredIndex Index, DateTimeOffset BuiltAt)> _tenants = new(StringComparer.Ordinal);

    public async Task<DeclaredIndex> GetAsync(string tenant, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_tenants.TryGetValue(tenant, out var cached) && now - cached.BuiltAt < options.Value.ResolutionIndexTtl)
        {
            return cached.Index;
        }

        DeclaredIndex index = await BuildAsync(tenant, cancellationToken);
        _tenants[tenant] = (index, now);
        return index;
    }

    /// <summary>A fresh index from the store (findings use this: they must see the latest scans).</summary>
    public async Task<DeclaredIndex> BuildAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TenantAssets assets = await inventory.ReadTenantAsync(tenant, cancellationToken);
        return Build(assets.Assets, await instances.ListAsync(tenant, cancellationToken));
    }

    /// <summary>The index of a tenant's declared assets (scanned, not trace-derived, not deleted) among <paramref name="assets"/>.</summary>
    public static DeclaredIndex Build(IEnumerable<Asset> assets, IReadOnlyList<PluginInstance> tenantInstances)
    {
        Dictionary<string, string> types = tenantInstances.ToDictionary(i => i.Id, i => i.PluginType, StringComparer.Ordinal);
        return new DeclaredIndex(assets.Where(a => !Provenance.IsTraceDerived(a) && a.State != AssetStates.Deleted).Select(a => ToDeclared(a, types)));
    }

    private static DeclaredAsset ToDeclared(Asset asset, IReadOnlyDictionary<string, string> pluginTypes) =>
        new(asset.Instance, pluginTypes.GetValueOrDefault(asset.Instance, string.Empty), asset.Type, asset.Id, asset.Name ?? string.Empty, asset.Attributes);
}

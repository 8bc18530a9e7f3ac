using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// The seam between trace observations and the inventory: observations whose identity resolves to a declared asset
/// add their usage to that asset (its usage row) instead of creating a trace-derived duplicate; the rest are returned
/// to be written as trace-derived assets.
/// </summary>
public sealed class ObservationResolver(DeclaredIndexCache indexes, UsageRows usage)
{
    /// <summary>Writes the usage of resolved observations; returns the unresolved ones and the entity writes made.</summary>
    public async Task<(IReadOnlyCollection<ObservedAsset> Unresolved, int Writes)> DivertAsync(
        string tenant, IReadOnlyCollection<ObservedAsset> observed, CancellationToken cancellationToken = default)
    {
        if (observed.Count == 0)
        {
            return (observed, 0);
        }

        DeclaredIndex index = await indexes.GetAsync(tenant, cancellationToken);
        var unresolved = new List<ObservedAsset>(observed.Count);
        var resolved = new List<ResolvedUsage>();
        foreach (ObservedAsset o in observed)
        {
            if (index.Resolve(new TraceIdentity(o.Asset.Type, o.Asset.Id, o.Asset.Name, o.Asset.Attributes)).Target is { } target)
            {
                resolved.Add(new ResolvedUsage(target, $"{o.Asset.Type}/{o.Asset.Id}", o.Usage));
            }
            else
            {
                unresolved.Add(o);
            }
        }

        return resolved.Count == 0 ? (observed, 0) : (unresolved, await usage.AddAsync(tenant, resolved, cancellationToken));
    }
}

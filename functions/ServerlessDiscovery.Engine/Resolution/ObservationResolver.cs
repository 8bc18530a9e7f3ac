using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// The seam between trace observations and the inventory: observations whose identity resolves to a declared asset
/// add their usage to that asset (its usage row) instead of creating a trace-derived duplicate; the rest are returned
/// to be written as trace-derived assets.
/// </summary>
public sealed class ObservationResolver(DeclaredIndexCache indexes, UsageRows usage)
{
    /// <summary>Writes the usage of resolved observations; returns the unresolved ones, the entity writes made, and what resolved to what.</summary>
    public async Task<Diversion> DivertAsync(string tenant, IReadOnlyCollection<ObservedAsset> observed, string? drainId = null, CancellationToken cancellationToken = default)
    {
        if (observed.Count == 0)
        {
            return new Diversion(observed, 0, new Dictionary<(string, string), DeclaredRef>());
        }

        DeclaredIndex index = await indexes.GetAsync(tenant, cancellationToken);
        var unresolved = new List<ObservedAsset>(observed.Count);
        var resolved = new List<ResolvedUsage>();
        var targets = new Dictionary<(string, string), DeclaredRef>();
        foreach (ObservedAsset o in observed)
        {
            if (index.Resolve(new TraceIdentity(o.Asset.Type, o.Asset.Id, o.Asset.Name, o.Asset.Attributes)).Target is { } target)
            {
                resolved.Add(new ResolvedUsage(target, $"{o.Asset.Type}/{o.Asset.Id}", o.Usage));
                targets[(o.Asset.Type, o.Asset.Id)] = target;
            }
            else
            {
                unresolved.Add(o);
            }
        }

        return resolved.Count == 0
            ? new Diversion(observed, 0, targets)
            : new Diversion(unresolved, await usage.AddAsync(tenant, resolved, drainId, cancellationToken), targets);
    }
}

/// <summary>What <see cref="ObservationResolver.DivertAsync"/> did: the observations left to write as trace-derived, writes made, and the resolutions.</summary>
public sealed record Diversion(IReadOnlyCollection<ObservedAsset> Unresolved, int Writes, IReadOnlyDictionary<(string Type, string Id), DeclaredRef> Targets)
{
    /// <summary>The edges with every resolved end replaced by the declared asset, so lineage joins the declared inventory.</summary>
    public IReadOnlyCollection<DiscoveredEdge> Rewrite(IReadOnlyCollection<DiscoveredEdge> edges) => Targets.Count == 0 ? edges : [.. edges.Select(e =>
    {
        DeclaredRef? source = Targets.GetValueOrDefault((e.SourceType, e.SourceId));
        DeclaredRef? target = Targets.GetValueOrDefault((e.TargetType, e.TargetId));
        return source is null && target is null ? e : e with
        {
            SourceType = source?.Type ?? e.SourceType,
            SourceId = source?.Id ?? e.SourceId,
            TargetType = target?.Type ?? e.TargetType,
            TargetId = target?.Id ?? e.TargetId,
        };
    }).Distinct()];
}

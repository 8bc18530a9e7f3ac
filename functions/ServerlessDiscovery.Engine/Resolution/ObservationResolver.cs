using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// The seam between trace observations and the inventory: observations whose identity resolves to a declared asset
/// add their usage to that asset (its usage row) instead of creating a trace-derived duplicate; the rest are returned
/// to be written as trace-derived assets. One identity may come as several observations, one per route (the same
/// deployment name on two Azure OpenAI accounts): each resolves on its own attributes, so each account's calls count on
/// that account's deployment, and the unresolved ones are merged back into one trace-derived asset.
/// </summary>
public sealed class ObservationResolver(DeclaredIndexCache indexes, UsageRows usage)
{
    /// <summary>Writes the usage of resolved observations; returns the unresolved ones, the entity writes made, and what resolved to what.</summary>
    public async Task<Diversion> DivertAsync(string tenant, IReadOnlyCollection<ObservedAsset> observed, string? drainId = null, CancellationToken cancellationToken = default)
    {
        if (observed.Count == 0)
        {
            return new Diversion(observed, 0, new Dictionary<(string, string), IReadOnlyList<DeclaredRef>>(), new HashSet<(string, string)>());
        }

        DeclaredIndex index = await indexes.GetAsync(tenant, cancellationToken);
        var unresolved = new Dictionary<(string Type, string Id), ObservedAsset>(observed.Count);
        var resolved = new List<ResolvedUsage>();
        var targets = new Dictionary<(string, string), IReadOnlyList<DeclaredRef>>();
        foreach (ObservedAsset o in observed)
        {
            (string Type, string Id) key = (o.Asset.Type, o.Asset.Id);
            if (index.Resolve(new TraceIdentity(o.Asset.Type, o.Asset.Id, o.Asset.Name, o.Asset.Attributes)).Target is { } target)
            {
                resolved.Add(new ResolvedUsage(target, $"{o.Asset.Type}/{o.Asset.Id}", o.Usage));
                targets[key] = targets.TryGetValue(key, out IReadOnlyList<DeclaredRef>? known) ? [.. known.Append(target).Distinct()] : [target];
            }
            else
            {
                unresolved[key] = unresolved.TryGetValue(key, out ObservedAsset? held) ? Merge(held, o) : o;
            }
        }

        var unresolvedKeys = new HashSet<(string, string)>(unresolved.Keys);
        return resolved.Count == 0
            ? new Diversion([.. unresolved.Values], 0, targets, unresolvedKeys)
            : new Diversion([.. unresolved.Values], await usage.AddAsync(tenant, resolved, drainId, cancellationToken), targets, unresolvedKeys);
    }

    /// <summary>Two unresolved observations of one identity as one: attributes of the first win, usage adds up.</summary>
    private static ObservedAsset Merge(ObservedAsset first, ObservedAsset second)
    {
        var attributes = (JsonObject)first.Asset.Attributes.DeepClone();
        foreach ((string key, JsonNode? value) in second.Asset.Attributes)
        {
            if (!attributes.ContainsKey(key))
            {
                attributes[key] = value?.DeepClone();
            }
        }

        return new ObservedAsset(first.Asset with { Attributes = attributes }, first.Invocations + second.Invocations, first.InputTokens + second.InputTokens,
            first.OutputTokens + second.OutputTokens, Latest(first.LastInvoked, second.LastInvoked))
        {
            FirstInvoked = first.FirstInvoked is { } a && second.FirstInvoked is { } b ? (a < b ? a : b) : first.FirstInvoked ?? second.FirstInvoked,
            Callers = [.. first.Callers.Union(second.Callers, StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(ObservedUsage.MaxCallers)],
        };
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is { } x && b is { } y ? (x > y ? x : y) : a ?? b;
}

/// <summary>
/// What <see cref="ObservationResolver.DivertAsync"/> did: the observations left to write as trace-derived, writes made,
/// the declared assets each identity resolved to (several when its routes went to several), and the identities that
/// stay trace-derived (some of whose routes resolved to nothing).
/// </summary>
public sealed record Diversion(
    IReadOnlyCollection<ObservedAsset> Unresolved,
    int Writes,
    IReadOnlyDictionary<(string Type, string Id), IReadOnlyList<DeclaredRef>> Targets,
    IReadOnlySet<(string Type, string Id)> UnresolvedIdentities)
{
    /// <summary>
    /// The edges with every resolved end replaced by the declared assets it resolved to, so lineage joins the declared
    /// inventory. An end whose routes went to several places gets an edge to each (an edge does not say which route
    /// its span took), and keeps the trace-derived end too when some of its routes resolved to nothing.
    /// </summary>
    public IReadOnlyCollection<DiscoveredEdge> Rewrite(IReadOnlyCollection<DiscoveredEdge> edges) => Targets.Count == 0 ? edges : [.. edges.SelectMany(e =>
        from source in Ends(e.SourceType, e.SourceId)
        from target in Ends(e.TargetType, e.TargetId)
        select e with { SourceType = source.Type, SourceId = source.Id, TargetType = target.Type, TargetId = target.Id }).Distinct()];

    private IEnumerable<(string Type, string Id)> Ends(string type, string id)
    {
        if (!Targets.TryGetValue((type, id), out IReadOnlyList<DeclaredRef>? declared))
        {
            return [(type, id)];
        }

        IEnumerable<(string, string)> ends = declared.Select(d => (d.Type, d.Id));
        return UnresolvedIdentities.Contains((type, id)) ? ends.Append((type, id)) : ends;
    }
}

using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>
/// Lineage edges as CycloneDX dependencies (source depends on target, whatever the relationship), and an agent's transitive
/// dependencies: everything reachable from the agent along edges, plus what hosts each of those (the endpoint or project
/// that <c>contains</c> it, the runtime that <c>serves</c> an agent) and that host's own hosts, but not the host's other contents.
/// </summary>
internal sealed class BomGraph
{
    private readonly Dictionary<string, SortedSet<string>> _dependsOn = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _hosts = new(StringComparer.Ordinal);

    public void Add(string sourceType, string sourceId, string relationship, string targetType, string targetId)
    {
        string source = BomRefs.Of(sourceType, sourceId);
        string target = BomRefs.Of(targetType, targetId);
        if (source == target)
        {
            return;
        }

        Targets(source).Add(target);
        if (relationship == Relationships.Contains || (relationship == Relationships.Serves && targetType == AssetTypes.Agent))
        {
            if (!_hosts.TryGetValue(target, out List<string>? hosts))
            {
                _hosts[target] = hosts = [];
            }

            hosts.Add(source);
        }
    }

    /// <summary>The refs <paramref name="bomRef"/> depends on, in ordinal order.</summary>
    public IEnumerable<string> DependsOn(string bomRef) => _dependsOn.TryGetValue(bomRef, out SortedSet<string>? targets) ? targets : [];

    /// <summary>The agent, its transitive dependencies and their hosts.</summary>
    public HashSet<string> Closure(string agentRef)
    {
        var dependencies = new HashSet<string>(StringComparer.Ordinal) { agentRef };
        var hosts = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Ref, bool Dependency)>([(agentRef, true)]);
        while (pending.TryPop(out (string Ref, bool Dependency) next))
        {
            if (next.Dependency)
            {
                foreach (string target in DependsOn(next.Ref))
                {
                    if (dependencies.Add(target))
                    {
                        pending.Push((target, true));
                    }
                }
            }

            foreach (string host in _hosts.TryGetValue(next.Ref, out List<string>? list) ? list : [])
            {
                if (!dependencies.Contains(host) && hosts.Add(host))
                {
                    pending.Push((host, false));
                }
            }
        }

        hosts.UnionWith(dependencies);
        return hosts;
    }

    private SortedSet<string> Targets(string source)
    {
        if (!_dependsOn.TryGetValue(source, out SortedSet<string>? targets))
        {
            _dependsOn[source] = targets = new SortedSet<string>(StringComparer.Ordinal);
        }

        return targets;
    }
}

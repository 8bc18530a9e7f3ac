namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>The outcome of resolving one trace identity.</summary>
/// <param name="Target">The one declared asset it resolved to, or null.</param>
/// <param name="Rules">The rules that applied to it (produced keys), matched or not: they say which providers it belongs to.</param>
/// <param name="Ambiguous">
/// True when no key named exactly one declared asset but one named several (a LiteLLM alias load-balanced over several
/// deployments): the identity is declared, only not attributable to one asset, so it is not shadow AI.
/// </param>
public sealed record ResolutionResult(DeclaredRef? Target, IReadOnlyList<ResolutionRule> Rules, bool Ambiguous = false);

/// <summary>
/// A tenant's declared assets indexed by the keys of <see cref="ResolutionRules"/>. Built once per tenant and reused
/// (see <see cref="DeclaredIndexCache"/>); resolving is a handful of dictionary lookups. Pure: no I/O.
/// </summary>
public sealed class DeclaredIndex
{
    private readonly Dictionary<string, List<DeclaredRef>> _keys = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<ResolutionRule> _rules;

    public DeclaredIndex(IEnumerable<DeclaredAsset> declared, IReadOnlyList<ResolutionRule>? rules = null)
    {
        _rules = rules ?? ResolutionRules.All;
        DeclaredAsset[] all = [.. declared];
        var byKey = new Dictionary<(string Type, string Id), DeclaredAsset>();
        foreach (DeclaredAsset d in all)
        {
            byKey.TryAdd((d.Type, d.Id), d);
        }

        DeclaredAsset? Find(string type, string id) => byKey.GetValueOrDefault((type, id));
        foreach (ResolutionRule rule in _rules)
        {
            foreach (DeclaredAsset d in all.Where(d => rule.DeclaredTypes.Contains(d.Type)))
            {
                foreach (string key in rule.DeclaredKeys(d, Find).Distinct(StringComparer.Ordinal))
                {
                    string full = rule.Id + "|" + key;
                    if (!_keys.TryGetValue(full, out List<DeclaredRef>? targets))
                    {
                        _keys[full] = targets = [];
                    }

                    var target = new DeclaredRef(d.Instance, d.Type, d.Id, rule.Id);
                    if (!targets.Contains(target))
                    {
                        targets.Add(target);
                    }
                }
            }
        }

        Count = all.Length;
    }

    /// <summary>Declared assets indexed.</summary>
    public int Count { get; }

    public static DeclaredIndex Empty { get; } = new([]);

    /// <summary>
    /// The declared asset the identity is: the rules for its type are tried in order, each key of a rule most specific
    /// first, and the first key naming exactly one declared asset wins. A key naming several is ambiguous and skipped.
    /// </summary>
    public ResolutionResult Resolve(TraceIdentity identity)
    {
        List<ResolutionRule>? applied = null;
        bool ambiguous = false;
        foreach (ResolutionRule rule in _rules)
        {
            if (rule.TraceType != identity.Type)
            {
                continue;
            }

            bool any = false;
            foreach (string key in rule.TraceKeys(identity))
            {
                any = true;
                if (_keys.TryGetValue(rule.Id + "|" + key, out List<DeclaredRef>? targets))
                {
                    if (targets.Count == 1)
                    {
                        return new ResolutionResult(targets[0], [rule]);
                    }

                    ambiguous = true;
                }
            }

            if (any)
            {
                (applied ??= []).Add(rule);
            }
        }

        return new ResolutionResult(null, applied ?? (IReadOnlyList<ResolutionRule>)[], ambiguous);
    }
}

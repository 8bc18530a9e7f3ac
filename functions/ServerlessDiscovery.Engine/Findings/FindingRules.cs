using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>
/// Which findings the evidence supports now. Pure: given a tenant's assets, instances and declared index, the same
/// findings come out on every host, so opening and resolving follows the evidence alone.
/// <list type="bullet">
/// <item><c>shadow</c>: a trace-derived model, MCP server, or agent with an id that resolves to no declared asset;
/// the reason says whether the tenant scans a source of that provider (undeclared there) or none (not scanned).</item>
/// <item><c>unused</c>: a declared asset of a traced instance, of a type traces can resolve to, with no observed
/// invocation for <c>unusedAfter</c> (counted from its first sighting when never invoked).</item>
/// </list>
/// </summary>
public static class FindingRules
{
    public const string ReasonUndeclared = "undeclared";
    public const string ReasonNotScanned = "provider_not_scanned";
    public const string ReasonIdle = "no_observed_use";

    private static readonly HashSet<string> ShadowTypes = new(StringComparer.Ordinal) { AssetTypes.Model, AssetTypes.McpServer, AssetTypes.Agent };

    public static IReadOnlyList<Finding> Evaluate(TenantAssets inventory, IReadOnlyList<PluginInstance> instances, DeclaredIndex index, DateTimeOffset now, TimeSpan unusedAfter) =>
        EvaluateWithNextUnused(inventory, instances, index, now, unusedAfter).Findings;

    /// <summary>
    /// The findings, and the earliest time after <paramref name="now"/> that an <c>unused</c> finding the evidence does
    /// not support now would open if nothing else changed (<see cref="DateTimeOffset.MaxValue"/> when none would).
    /// </summary>
    public static (IReadOnlyList<Finding> Findings, DateTimeOffset NextUnusedAt) EvaluateWithNextUnused(
        TenantAssets inventory, IReadOnlyList<PluginInstance> instances, DeclaredIndex index, DateTimeOffset now, TimeSpan unusedAfter)
    {
        var findings = new List<Finding>();
        DateTimeOffset next = DateTimeOffset.MaxValue;
        var scanned = new HashSet<string>(instances.Select(i => i.PluginType), StringComparer.Ordinal);
        var traced = instances.Where(i => i.Traced).ToDictionary(i => i.Id, i => i.PluginType, StringComparer.Ordinal);
        foreach (Asset asset in inventory.Assets)
        {
            if (asset.State == AssetStates.Deleted)
            {
                continue;
            }

            if (Provenance.IsTraceDerived(asset))
            {
                if (Shadow(asset, index, scanned) is { } shadow)
                {
                    findings.Add(shadow);
                }
            }
            else if (traced.TryGetValue(asset.Instance, out string? pluginType))
            {
                if (Unused(asset, inventory.UsageOf(asset), pluginType, now, unusedAfter, out DateTimeOffset? due) is { } unused)
                {
                    findings.Add(unused);
                }
                else if (due is { } at && at < next)
                {
                    next = at;
                }
            }
        }

        return (findings, next);
    }

    private static Finding? Shadow(Asset asset, DeclaredIndex index, HashSet<string> scanned)
    {
        if (!ShadowTypes.Contains(asset.Type))
        {
            return null;
        }

        JsonObject attributes = asset.Attributes;
        if (asset.Type == AssetTypes.Agent && attributes["agent_id"] is null)
        {
            // An agent known only by a name in code is the application itself, not an AI resource anyone declares.
            return null;
        }

        ResolutionResult resolution = index.Resolve(new TraceIdentity(asset.Type, asset.Id, asset.Name ?? asset.Id, attributes));
        if (resolution.Target is not null || resolution.Ambiguous)
        {
            // Declared (ambiguously so when several declared assets share the key, e.g. a load-balanced LiteLLM alias).
            return null;
        }

        string[] pluginTypes = [.. resolution.Rules.SelectMany(r => r.PluginTypes).Distinct(StringComparer.Ordinal)];
        bool sourceScanned = pluginTypes.Any(scanned.Contains);
        JsonObject evidence = Evidence(asset, asset.Usage);
        evidence["hosts"] = new JsonArray([.. ((string[])["server_address", "url"]).Select(k => attributes[k]?.DeepClone()).Where(v => v is not null)]);
        evidence["provider"] = attributes["provider"]?.DeepClone();
        evidence["rules"] = new JsonArray([.. resolution.Rules.Select(r => (JsonNode?)r.Id)]);
        evidence["scanned_by"] = new JsonArray([.. pluginTypes.Where(scanned.Contains).Select(p => (JsonNode?)p)]);
        return new Finding(FindingKinds.Shadow, asset.Type, asset.Id, asset.Instance, sourceScanned ? ReasonUndeclared : ReasonNotScanned, evidence);
    }

    /// <summary>The unused finding of a declared asset, or null and (when it can become one) the time it would.</summary>
    private static Finding? Unused(Asset asset, AssetUsage? usage, string pluginType, DateTimeOffset now, TimeSpan unusedAfter, out DateTimeOffset? due)
    {
        due = null;
        if (!ResolutionRules.All.Any(r => r.PluginTypes.Contains(pluginType) && r.DeclaredTypes.Contains(asset.Type)))
        {
            return null;
        }

        DateTimeOffset idleSince = usage?.Totals.LastInvoked ?? asset.FirstSeen ?? now;
        if (now - idleSince < unusedAfter)
        {
            due = idleSince + unusedAfter;
            return null;
        }

        JsonObject evidence = Evidence(asset, usage?.Totals);
        evidence["idle_since"] = idleSince;
        evidence["unused_after"] = System.Xml.XmlConvert.ToString(unusedAfter);
        return new Finding(FindingKinds.Unused, asset.Type, asset.Id, asset.Instance, ReasonIdle, evidence);
    }

    /// <summary>The evidence every finding carries: the asset's sightings and the usage traces counted on it (null: none).</summary>
    private static JsonObject Evidence(Asset asset, UsageTotals? usage) => new()
    {
        ["name"] = asset.Name,
        ["first_seen"] = asset.FirstSeen,
        ["last_seen"] = asset.LastSeen,
        ["first_invocation"] = usage?.FirstInvoked,
        ["last_invocation"] = usage?.LastInvoked,
        ["invocations"] = usage?.Invocations ?? 0,
        ["input_tokens"] = usage?.InputTokens ?? 0,
        ["output_tokens"] = usage?.OutputTokens ?? 0,
        ["services"] = Provenance.Callers(usage?.Callers ?? [], "service:"),
        ["agents"] = Provenance.Callers(usage?.Callers ?? [], "agent:"),
    };
}

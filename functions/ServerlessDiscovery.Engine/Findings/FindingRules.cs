using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>
/// Which findings the evidence supports now. Pure: given a tenant's rows, instances and declared index, the same
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

    public static IReadOnlyList<Finding> Evaluate(TenantRows rows, IReadOnlyList<PluginInstance> instances, DeclaredIndex index, DateTimeOffset now, TimeSpan unusedAfter) =>
        EvaluateWithNextUnused(rows, instances, index, now, unusedAfter).Findings;

    /// <summary>
    /// The findings, and the earliest time after <paramref name="now"/> that an <c>unused</c> finding the evidence does
    /// not support now would open if nothing else changed (<see cref="DateTimeOffset.MaxValue"/> when none would).
    /// </summary>
    public static (IReadOnlyList<Finding> Findings, DateTimeOffset NextUnusedAt) EvaluateWithNextUnused(
        TenantRows rows, IReadOnlyList<PluginInstance> instances, DeclaredIndex index, DateTimeOffset now, TimeSpan unusedAfter)
    {
        var findings = new List<Finding>();
        DateTimeOffset next = DateTimeOffset.MaxValue;
        var scanned = new HashSet<string>(instances.Select(i => i.PluginType), StringComparer.Ordinal);
        var traced = instances.Where(i => i.Traced).ToDictionary(i => i.Id, i => i.PluginType, StringComparer.Ordinal);
        foreach (TableEntity row in rows.Assets)
        {
            if (row.GetString(AssetColumns.State) == AssetState.Deleted)
            {
                continue;
            }

            if (Provenance.IsTraceDerived(row))
            {
                if (Shadow(row, index, scanned) is { } shadow)
                {
                    findings.Add(shadow);
                }
            }
            else if (traced.TryGetValue(row.GetString(AssetColumns.Instance) ?? string.Empty, out string? pluginType))
            {
                if (Unused(row, rows.UsageOf(row), pluginType, now, unusedAfter, out DateTimeOffset? due) is { } unused)
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

    private static Finding? Shadow(TableEntity row, DeclaredIndex index, HashSet<string> scanned)
    {
        string type = row.GetString(AssetColumns.Type) ?? string.Empty;
        if (!ShadowTypes.Contains(type))
        {
            return null;
        }

        JsonObject attributes = JsonNode.Parse(LargeText.Read(row, AssetColumns.Attributes) ?? "{}") as JsonObject ?? [];
        if (type == AssetTypes.Agent && attributes["agent_id"] is null)
        {
            // An agent known only by a name in code is the application itself, not an AI resource anyone declares.
            return null;
        }

        string id = row.GetString(AssetColumns.Id) ?? string.Empty;
        ResolutionResult resolution = index.Resolve(new TraceIdentity(type, id, row.GetString(AssetColumns.Name) ?? id, attributes));
        if (resolution.Target is not null || resolution.Ambiguous)
        {
            // Declared (ambiguously so when several declared assets share the key, e.g. a load-balanced LiteLLM alias).
            return null;
        }

        string[] pluginTypes = [.. resolution.Rules.SelectMany(r => r.PluginTypes).Distinct(StringComparer.Ordinal)];
        bool sourceScanned = pluginTypes.Any(scanned.Contains);
        JsonObject evidence = Evidence(row, row);
        evidence["hosts"] = new JsonArray([.. ((string[])["server_address", "url"]).Select(k => attributes[k]?.DeepClone()).Where(v => v is not null)]);
        evidence["provider"] = attributes["provider"]?.DeepClone();
        evidence["rules"] = new JsonArray([.. resolution.Rules.Select(r => (JsonNode?)r.Id)]);
        evidence["scanned_by"] = new JsonArray([.. pluginTypes.Where(scanned.Contains).Select(p => (JsonNode?)p)]);
        return new Finding(FindingKinds.Shadow, type, id, row.GetString(AssetColumns.Instance) ?? string.Empty,
            sourceScanned ? ReasonUndeclared : ReasonNotScanned, evidence);
    }

    /// <summary>The unused finding of a declared asset, or null and (when it can become one) the time it would.</summary>
    private static Finding? Unused(TableEntity row, TableEntity? usage, string pluginType, DateTimeOffset now, TimeSpan unusedAfter, out DateTimeOffset? due)
    {
        due = null;
        string type = row.GetString(AssetColumns.Type) ?? string.Empty;
        if (!ResolutionRules.All.Any(r => r.PluginTypes.Contains(pluginType) && r.DeclaredTypes.Contains(type)))
        {
            return null;
        }

        DateTimeOffset idleSince = usage?.GetDateTimeOffset(AssetColumns.LastInvoked) ?? row.GetDateTimeOffset(AssetColumns.FirstSeen) ?? now;
        if (now - idleSince < unusedAfter)
        {
            due = idleSince + unusedAfter;
            return null;
        }

        JsonObject evidence = Evidence(row, usage);
        evidence["idle_since"] = idleSince;
        evidence["unused_after"] = System.Xml.XmlConvert.ToString(unusedAfter);
        return new Finding(FindingKinds.Unused, type, row.GetString(AssetColumns.Id) ?? string.Empty, row.GetString(AssetColumns.Instance) ?? string.Empty, ReasonIdle, evidence);
    }

    private static JsonObject Evidence(TableEntity row, TableEntity? usage)
    {
        IReadOnlyList<string> callers = usage is null ? [] : Storage.Inventory.InventoryRows.ToUsage(usage).Totals.Callers;
        return new JsonObject
        {
            ["name"] = row.GetString(AssetColumns.Name),
            ["first_seen"] = row.GetDateTimeOffset(AssetColumns.FirstSeen),
            ["last_seen"] = row.GetDateTimeOffset(AssetColumns.LastSeen),
            ["first_invocation"] = usage?.GetDateTimeOffset(AssetColumns.FirstInvoked),
            ["last_invocation"] = usage?.GetDateTimeOffset(AssetColumns.LastInvoked),
            ["invocations"] = usage?.GetInt64(AssetColumns.Invocations) ?? 0,
            ["input_tokens"] = usage?.GetInt64(AssetColumns.InputTokens) ?? 0,
            ["output_tokens"] = usage?.GetInt64(AssetColumns.OutputTokens) ?? 0,
            ["services"] = Provenance.Callers(callers, "service:"),
            ["agents"] = Provenance.Callers(callers, "agent:"),
        };
    }
}

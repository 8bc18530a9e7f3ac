using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// Where an asset is known from: <c>declared</c> (a scan reported it), <c>observed</c> (only traces named it) or
/// <c>both</c> (a scanned asset that traces resolved to). Also the <c>observed</c> block and per-attribute sources the
/// API and events show.
/// </summary>
public static partial class Provenance
{
    public const string Declared = "declared";
    public const string Observed = "observed";
    public const string Both = "both";

    /// <summary>The scope of every trace-derived asset (the opentelemetry plugin's TraceAssetExtractor.Scope).</summary>
    public const string TraceScope = "opentelemetry";

    /// <summary>The attribute of a trace-derived asset listing (comma-separated) the keys worked out rather than read from a span.</summary>
    public const string InferredAttribute = "inferred";

    public static IReadOnlyList<string> Values { get; } = [Declared, Observed, Both];

    public static bool IsTraceDerived(Asset asset) => asset.Scope == TraceScope;

    /// <summary>The asset's provenance, given the usage of a declared asset (null when traces never resolved to it).</summary>
    public static string Of(Asset asset, AssetUsage? usage) =>
        IsTraceDerived(asset) ? Observed : usage is null ? Declared : Both;

    /// <summary>The observed block: invocation window, counts, tokens and callers; null when traces never saw the asset.</summary>
    public static JsonObject? ObservedJson(Asset asset, AssetUsage? usage)
    {
        UsageTotals? totals = IsTraceDerived(asset) ? asset.Usage ?? UsageTotals.None : usage?.Totals;
        if (totals is null)
        {
            return null;
        }

        var json = new JsonObject
        {
            ["first_invocation"] = totals.FirstInvoked,
            ["last_invocation"] = totals.LastInvoked,
            ["invocations"] = totals.Invocations,
            ["input_tokens"] = totals.InputTokens,
            ["output_tokens"] = totals.OutputTokens,
            ["services"] = Callers(totals.Callers, "service:"),
            ["agents"] = Callers(totals.Callers, "agent:"),
        };
        if (usage is not null)
        {
            json["via"] = new JsonArray([.. usage.Via.Select(v => (JsonNode?)v)]);
            json["rule"] = usage.Rule;
        }

        return json;
    }

    /// <summary>Where each attribute came from: <c>scan</c> for declared assets, <c>trace</c> or <c>inferred</c> for trace-derived ones.</summary>
    public static JsonObject AttributeSources(Asset asset)
    {
        bool trace = IsTraceDerived(asset);
        string[] inferred = trace && asset.Attributes[InferredAttribute] is JsonValue v && v.TryGetValue(out string? list) ? list.Split(',') : [];
        var sources = new JsonObject();
        foreach ((string key, _) in asset.Attributes)
        {
            sources[key] = !trace ? "scan" : inferred.Contains(key) ? "inferred" : "trace";
        }

        return sources;
    }

    /// <summary>The callers of one kind ("service:" or "agent:"), without the prefix.</summary>
    internal static JsonArray Callers(IEnumerable<string> callers, string prefix) =>
        new([.. callers.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Select(c => (JsonNode?)c[prefix.Length..])]);
}

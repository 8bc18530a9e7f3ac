using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// Where an asset is known from: <c>declared</c> (a scan reported it), <c>observed</c> (only traces named it) or
/// <c>both</c> (a scanned asset that traces resolved to). Also the <c>observed</c> block and per-attribute sources the
/// API and events show.
/// </summary>
public static class Provenance
{
    public const string Declared = "declared";
    public const string Observed = "observed";
    public const string Both = "both";

    /// <summary>The scope of every trace-derived asset (the opentelemetry plugin's TraceAssetExtractor.Scope).</summary>
    public const string TraceScope = "opentelemetry";

    /// <summary>The attribute of a trace-derived asset listing (comma-separated) the keys worked out rather than read from a span.</summary>
    public const string InferredAttribute = "inferred";

    public static IReadOnlyList<string> Values { get; } = [Declared, Observed, Both];

    public static bool IsTraceDerived(TableEntity row) => row.GetString(AssetColumns.Scope) == TraceScope;

    /// <summary>The row's provenance, given the usage row of a declared asset (null when traces never resolved to it).</summary>
    public static string Of(TableEntity row, TableEntity? usage) =>
        IsTraceDerived(row) ? Observed : usage is null ? Declared : Both;

    /// <summary>The observed block: invocation window, counts, tokens and callers; null when traces never saw the asset.</summary>
    public static JsonObject? ObservedJson(TableEntity row, TableEntity? usage)
    {
        TableEntity? source = IsTraceDerived(row) ? row : usage;
        if (source is null)
        {
            return null;
        }

        SortedSet<string> callers = ObservedUsage.ReadSet(source, AssetColumns.Callers);
        var json = new JsonObject
        {
            ["first_invocation"] = source.GetDateTimeOffset(AssetColumns.FirstInvoked),
            ["last_invocation"] = source.GetDateTimeOffset(AssetColumns.LastInvoked),
            ["invocations"] = source.GetInt64(AssetColumns.Invocations) ?? 0,
            ["input_tokens"] = source.GetInt64(AssetColumns.InputTokens) ?? 0,
            ["output_tokens"] = source.GetInt64(AssetColumns.OutputTokens) ?? 0,
            ["services"] = Callers(callers, "service:"),
            ["agents"] = Callers(callers, "agent:"),
        };
        if (usage is not null)
        {
            json["via"] = new JsonArray([.. ObservedUsage.ReadSet(usage, UsageColumns.Via).Select(v => (JsonNode?)v)]);
            json["rule"] = usage.GetString(UsageColumns.Rule);
        }

        return json;
    }

    /// <summary>Where each attribute came from: <c>scan</c> for declared assets, <c>trace</c> or <c>inferred</c> for trace-derived ones.</summary>
    public static JsonObject AttributeSources(TableEntity row, JsonObject attributes)
    {
        bool trace = IsTraceDerived(row);
        string[] inferred = trace && attributes[InferredAttribute] is JsonValue v && v.TryGetValue(out string? list) ? list.Split(',') : [];
        var sources = new JsonObject();
        foreach ((string key, _) in attributes)
        {
            sources[key] = !trace ? "scan" : inferred.Contains(key) ? "inferred" : "trace";
        }

        return sources;
    }

    /// <summary>The callers of one kind ("service:" or "agent:"), without the prefix.</summary>
    internal static JsonArray Callers(SortedSet<string> callers, string prefix) =>
        new([.. callers.Where(c => c.StartsWith(prefix, StringComparison.Ordinal)).Select(c => (JsonNode?)c[prefix.Length..])]);
}

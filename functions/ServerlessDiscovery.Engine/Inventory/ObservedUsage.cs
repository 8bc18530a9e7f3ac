using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// Usage traces observed for one asset since the last flush: counters that add into stored totals, the invocation
/// window that only widens, and callers that only accumulate (bounded). Stored on trace-derived asset rows and on the
/// usage rows of declared assets, never in the content hash, so counting never makes a scan rewrite an asset.
/// </summary>
public sealed record ObservedUsage(long Invocations, long InputTokens, long OutputTokens, DateTimeOffset? FirstInvoked, DateTimeOffset? LastInvoked, IReadOnlyCollection<string> Callers)
{
    /// <summary>Most callers kept per asset.</summary>
    public const int MaxCallers = 32;

    /// <summary>Writes <paramref name="stored"/>'s totals plus this usage into <paramref name="target"/>.</summary>
    public void MergeInto(TableEntity target, TableEntity? stored)
    {
        target[AssetColumns.Invocations] = (stored?.GetInt64(AssetColumns.Invocations) ?? 0) + Invocations;
        target[AssetColumns.InputTokens] = (stored?.GetInt64(AssetColumns.InputTokens) ?? 0) + InputTokens;
        target[AssetColumns.OutputTokens] = (stored?.GetInt64(AssetColumns.OutputTokens) ?? 0) + OutputTokens;
        if (Earlier(stored?.GetDateTimeOffset(AssetColumns.FirstInvoked), FirstInvoked ?? LastInvoked) is { } first)
        {
            target[AssetColumns.FirstInvoked] = first;
        }

        DateTimeOffset? last = stored?.GetDateTimeOffset(AssetColumns.LastInvoked);
        if (LastInvoked is { } invoked && (last is null || invoked > last))
        {
            last = invoked;
        }

        if (last is not null)
        {
            target[AssetColumns.LastInvoked] = last.Value;
        }

        SortedSet<string> callers = ReadSet(stored, AssetColumns.Callers);
        foreach (string caller in Callers)
        {
            if (callers.Count >= MaxCallers)
            {
                break;
            }

            callers.Add(caller);
        }

        if (callers.Count > 0)
        {
            target[AssetColumns.Callers] = new JsonArray([.. callers.Select(c => (JsonNode?)c)]).ToJsonString();
        }
    }

    /// <summary>A JSON array-of-strings column as a set (empty when absent or unreadable).</summary>
    public static SortedSet<string> ReadSet(TableEntity? row, string column)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (row?.GetString(column) is { } json)
        {
            try
            {
                foreach (JsonNode? item in JsonNode.Parse(json) as JsonArray ?? [])
                {
                    if (item is JsonValue v && v.TryGetValue(out string? s))
                    {
                        set.Add(s);
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A damaged column loses its callers, not the row.
            }
        }

        return set;
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

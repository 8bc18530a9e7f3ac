using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// Usage traces observed for one asset since the last flush: counters that add into stored totals, the invocation
/// window that only widens, and callers that only accumulate (bounded). Kept on trace-derived assets and on the usage
/// of declared assets, never in the content hash, so counting never makes a scan rewrite an asset.
/// </summary>
public sealed record ObservedUsage(long Invocations, long InputTokens, long OutputTokens, DateTimeOffset? FirstInvoked, DateTimeOffset? LastInvoked, IReadOnlyCollection<string> Callers)
{
    /// <summary>Most callers kept per asset.</summary>
    public const int MaxCallers = 32;

    /// <summary>The <paramref name="stored"/> totals plus this usage.</summary>
    public UsageTotals AddTo(UsageTotals? stored)
    {
        DateTimeOffset? last = stored?.LastInvoked;
        if (LastInvoked is { } invoked && (last is null || invoked > last))
        {
            last = invoked;
        }

        var callers = new SortedSet<string>(stored?.Callers ?? [], StringComparer.Ordinal);
        foreach (string caller in Callers)
        {
            if (callers.Count >= MaxCallers)
            {
                break;
            }

            callers.Add(caller);
        }

        return new UsageTotals(
            (stored?.Invocations ?? 0) + Invocations,
            (stored?.InputTokens ?? 0) + InputTokens,
            (stored?.OutputTokens ?? 0) + OutputTokens,
            Earlier(stored?.FirstInvoked, FirstInvoked ?? LastInvoked),
            last,
            [.. callers]);
    }

    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;
}

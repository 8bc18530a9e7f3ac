using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Resolution;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>Usage observed for one declared asset, and the trace identity it came through.</summary>
public sealed record ResolvedUsage(DeclaredRef Target, string Via, ObservedUsage Usage);

/// <summary>
/// The usage of declared assets: what traces observed of them, kept beside each asset in its instance's inventory.
/// Scans never read or write it, so an unchanged re-scan still writes nothing; every update is conditional on the
/// stored version, so hosts flushing at once never lose each other's counts.
/// </summary>
public sealed class UsageRows(IInventoryStore store, TimeProvider time)
{
    private const int MaxAttempts = 5;
    private const int MaxVia = 16;

    /// <summary>How many usages one conditional batch updates.</summary>
    private const int ChunkSize = 99;

    /// <summary>
    /// Adds the usage onto the declared assets' usage; returns entity writes made. With a <paramref name="drainId"/>
    /// (the OTLP journal's), usage that already records it is skipped, as on trace-derived assets.
    /// </summary>
    public async Task<int> AddAsync(string tenant, IReadOnlyCollection<ResolvedUsage> usage, string? drainId = null, CancellationToken cancellationToken = default)
    {
        int writes = 0;
        foreach (IGrouping<string, ResolvedUsage> instance in usage.GroupBy(u => u.Target.Instance, StringComparer.Ordinal))
        {
            // Several trace identities may resolve to one asset: add them up before touching its usage.
            IGrouping<AssetKey, ResolvedUsage>[] merged = [.. instance.GroupBy(u => new AssetKey(u.Target.Type, u.Target.Id))
                .OrderBy(g => g.Key.Type, StringComparer.Ordinal).ThenBy(g => g.Key.Id, StringComparer.Ordinal)];
            foreach (IGrouping<AssetKey, ResolvedUsage>[] chunk in merged.Chunk(ChunkSize))
            {
                writes += await WriteChunkAsync(tenant, instance.Key, chunk, drainId, cancellationToken);
            }
        }

        return writes;
    }

    private async Task<int> WriteChunkAsync(string tenant, string instance, IGrouping<AssetKey, ResolvedUsage>[] chunk, string? drainId, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            IReadOnlyDictionary<AssetKey, AssetUsage> stored = await store.ReadUsageAsync(tenant, instance, [.. chunk.Select(g => g.Key)], cancellationToken);
            var plan = new List<PlannedChange>(chunk.Length);
            foreach (IGrouping<AssetKey, ResolvedUsage> group in chunk)
            {
                if (Plan(tenant, instance, group, stored.GetValueOrDefault(group.Key), drainId) is { } write)
                {
                    plan.Add(PlannedChange.Of(write));
                }
            }

            try
            {
                return plan.Count == 0 ? 0 : (await store.CommitAsync(tenant, instance, plan, cancellationToken)).Writes;
            }
            catch (WriteConflictException) when (attempt < MaxAttempts)
            {
                // Another host counted first: read again and add on top of its write.
            }
        }
    }

    private PutUsage? Plan(string tenant, string instance, IGrouping<AssetKey, ResolvedUsage> group, AssetUsage? stored, string? drainId)
    {
        string? drains = ObservationWriter.Remember(stored?.Drains, drainId, out bool applied);
        if (applied)
        {
            return null;
        }

        var sum = new ObservedUsage(
            group.Sum(u => u.Usage.Invocations),
            group.Sum(u => u.Usage.InputTokens),
            group.Sum(u => u.Usage.OutputTokens),
            group.Select(u => u.Usage.FirstInvoked ?? u.Usage.LastInvoked).Where(t => t is not null).DefaultIfEmpty().Min(),
            group.Select(u => u.Usage.LastInvoked).Where(t => t is not null).DefaultIfEmpty().Max(),
            [.. group.SelectMany(u => u.Usage.Callers).Distinct(StringComparer.Ordinal)]);
        UsageTotals totals = sum.AddTo(stored?.Totals);

        // Named by a span but not invoked (yet): the window starts when it was first seen.
        totals = totals.FirstInvoked is null ? totals with { FirstInvoked = time.GetUtcNow() } : totals;

        var via = new SortedSet<string>(stored?.Via ?? [], StringComparer.Ordinal);
        foreach (ResolvedUsage u in group)
        {
            if (via.Count < MaxVia)
            {
                via.Add(u.Via);
            }
        }

        return new PutUsage(new AssetUsage
        {
            Tenant = tenant,
            Instance = instance,
            Type = group.Key.Type,
            Id = group.Key.Id,
            Totals = totals,
            Via = [.. via],
            Rule = group.Last().Target.Rule,
            Drains = drains,
            ETag = stored?.ETag,
        });
    }
}

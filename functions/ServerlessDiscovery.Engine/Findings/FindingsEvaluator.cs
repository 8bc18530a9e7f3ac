using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Engine.Scanning;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>What one evaluation changed, why it ran (<see cref="EvaluationCause.None"/>: skipped), and the records it read.</summary>
public sealed record FindingChanges(int Opened, int Updated, int Resolved)
{
    public EvaluationCause Cause { get; init; }

    /// <summary>Inventory records (assets and usage) and findings read; 0 when skipped.</summary>
    public int RowsRead { get; init; }

    public static FindingChanges Skipped { get; } = new(0, 0, 0);
}

/// <summary>
/// Brings a tenant's findings in line with the evidence: opens what <see cref="FindingRules"/> supports and is not
/// open, updates the evidence of open ones, resolves open ones it no longer supports. Opened and Resolved emit
/// CloudEvents through the outbox of the finding's instance (the same relay and webhooks as asset events), written
/// before the finding so a crash in between repeats the event rather than losing it. Called on every discovery
/// tick, it reads a tenant's inventory only when <see cref="FindingsSchedule.Due"/> says something that can change a
/// finding changed since the last evaluation; otherwise the tick costs the instances list and one point read.
/// </summary>
public sealed partial class FindingsEvaluator(
    IInventoryStore inventory,
    IInstanceStore instances,
    IFindingStore store,
    InventoryWriter writer,
    TimeProvider time,
    IOptions<DiscoveryOptions> options,
    ILogger<FindingsEvaluator> logger)
{
    public async Task<FindingChanges> EvaluateAsync(string tenant, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<PluginInstance> tenantInstances = await instances.ListAsync(tenant, cancellationToken);
        string instancesHash = InstancesHash(tenantInstances);
        FindingsWatermark? mark = await store.GetWatermarkAsync(tenant, cancellationToken);
        EvaluationCause cause = FindingsSchedule.Due(mark, instancesHash, now);
        if (cause == EvaluationCause.None)
        {
            return FindingChanges.Skipped;
        }

        TenantAssets assets = await inventory.ReadTenantAsync(tenant, cancellationToken);
        DeclaredIndex index = DeclaredIndexCache.Build(assets.Assets, tenantInstances);
        (IReadOnlyList<Finding> findings, DateTimeOffset nextUnusedAt) = FindingRules.EvaluateWithNextUnused(assets, tenantInstances, index, now, options.Value.UnusedAfter);
        Dictionary<string, Finding> desired = findings.ToDictionary(f => f.Key, StringComparer.Ordinal);
        Dictionary<string, TrackedFinding> existing = (await store.ListAsync(tenant, cancellationToken: cancellationToken)).ToDictionary(f => f.Key, StringComparer.Ordinal);

        var writes = new List<TrackedFinding>();
        var events = new List<ChangeEvent>();
        int opened = 0, updated = 0, resolved = 0;
        foreach ((string key, Finding finding) in desired.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            existing.TryGetValue(key, out TrackedFinding? current);
            string evidence = ContentHash.Canonical(finding.Evidence);
            // Stored (and shown) in canonical form, sorted keys, as the comparison with the next evaluation reads it.
            Finding canonical = finding with { Evidence = JsonNode.Parse(evidence)!.AsObject() };
            if (current is not null && current.State == FindingKinds.Open)
            {
                if (ContentHash.Canonical(current.Finding.Evidence) != evidence || current.Finding.Reason != finding.Reason)
                {
                    updated++;
                    writes.Add(new TrackedFinding(canonical, FindingKinds.Open, current.OpenedAt ?? now, now, null));
                }

                continue;
            }

            opened++;
            var next = new TrackedFinding(canonical, FindingKinds.Open, now, now, null);
            writes.Add(next);
            events.Add(Event(tenant, next, ChangeEventTypes.FindingOpened, now));
        }

        foreach ((string key, TrackedFinding current) in existing.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (desired.ContainsKey(key) || current.State != FindingKinds.Open)
            {
                continue;
            }

            resolved++;
            TrackedFinding next = current with { State = FindingKinds.Resolved, ResolvedAt = now, UpdatedAt = now };
            writes.Add(next);
            events.Add(Event(tenant, next, ChangeEventTypes.FindingResolved, now));
        }

        foreach (IGrouping<string, ChangeEvent> group in events.GroupBy(e => e.InstanceId))
        {
            await writer.AppendEventsAsync(tenant, group.Key, [.. group], cancellationToken);
        }

        await store.UpsertAsync(tenant, writes, cancellationToken);
        await store.SetEvaluatedAsync(tenant, new FindingsWatermark(instancesHash, now, nextUnusedAt,
            cause == EvaluationCause.Observed ? now : mark?.TraceEvaluatedAt, ObservedAt: null), cancellationToken);
        if (opened + resolved > 0)
        {
            LogEvaluated(logger, tenant, opened, updated, resolved);
        }

        return new FindingChanges(opened, updated, resolved)
        {
            Cause = cause,
            RowsRead = assets.Assets.Count + assets.Usage.Count + existing.Count,
        };
    }

    /// <summary>
    /// What of a tenant's instances can change its findings: which exist, their plugin types, which are traced, and
    /// their last scan (its run id and status change when a scan starts and ends).
    /// </summary>
    public static string InstancesHash(IEnumerable<PluginInstance> tenantInstances)
    {
        var text = new StringBuilder();
        foreach (PluginInstance i in tenantInstances.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            text.Append(i.Id).Append('\n').Append(i.PluginType).Append('\n').Append(i.Traced).Append('\n')
                .Append(i.LastRunId).Append('\n').Append(i.LastRunStatus).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    /// <summary>The event; its id derives from the finding and when it opened, so a repeated write is recognisable as the same event.</summary>
    private static ChangeEvent Event(string tenant, TrackedFinding tracked, string type, DateTimeOffset now)
    {
        Finding f = tracked.Finding;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tracked.Key)))[..16];
        long opened = (tracked.OpenedAt ?? now).ToUnixTimeMilliseconds();
        string suffix = type == ChangeEventTypes.FindingOpened ? "opened" : "resolved";
        var data = new JsonObject { ["tenant"] = tenant, ["instance"] = f.Instance, ["finding"] = FindingDocument.ToJson(tracked) };
        return new ChangeEvent($"finding-{hash}-{opened}-{suffix}", type, ChangeEvent.SourceFor(tenant, f.Instance), $"findings/{f.Kind}/{f.SubjectType}/{f.SubjectId}", now, data);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Findings of tenant {Tenant}: {Opened} opened, {Updated} updated, {Resolved} resolved")]
    private static partial void LogEvaluated(ILogger logger, string tenant, int opened, int updated, int resolved);
}

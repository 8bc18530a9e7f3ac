using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NCrontab;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>
/// One discovery tick: reconcile configured instances, find the instances whose schedule is due (or whose scan was
/// abandoned by a host that died), claim and scan them with bounded concurrency, and relay any events still waiting
/// in outboxes. Both the Functions timer and the standalone timer call <see cref="TickAsync"/>.
/// </summary>
public sealed class DiscoveryScheduler(
    InstanceReconciler reconciler,
    IInstanceStore instances,
    ScanRunner runner,
    OutboxRelay relay,
    Findings.FindingsEvaluator findings,
    IOptions<DiscoveryOptions> options,
    IHostApplicationLifetime lifetime)
{
    private readonly ConcurrentDictionary<string, Task> _background = new(StringComparer.Ordinal);

    public async Task<JsonObject> TickAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await reconciler.ReconcileAsync(cancellationToken);
        IReadOnlyList<PluginInstance> all = await instances.ListAllAsync(cancellationToken);
        PluginInstance[] due = [.. all.Where(i => IsDue(i, now))];

        using var gate = new SemaphoreSlim(options.Value.MaxConcurrentScans);
        var runs = new JsonArray();
        await Task.WhenAll(due.Select(async instance =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                ScanClaim? claim = await runner.TryClaimAsync(instance, now, scheduled: true, cancellationToken);
                if (claim is null)
                {
                    return;
                }

                ScanRun run = await runner.RunAsync(claim, "schedule", force: false, cancellationToken);
                lock (runs)
                {
                    runs.Add(new JsonObject { ["tenant"] = run.Tenant, ["instance_id"] = run.InstanceId, ["scan_run_id"] = run.RunId, ["status"] = run.Status });
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        // Findings follow the scans just made and the traces flushed since the last tick; their events go out below.
        int findingsChanged = 0;
        foreach (string tenant in all.Select(i => i.Tenant).Distinct(StringComparer.Ordinal))
        {
            Findings.FindingChanges changes = await findings.EvaluateAsync(tenant, cancellationToken);
            findingsChanged += changes.Opened + changes.Resolved;
        }

        int relayed = 0;
        foreach (PluginInstance instance in all)
        {
            relayed += await relay.RelayAsync(instance.Tenant, instance.Id, cancellationToken);
        }

        return new JsonObject { ["instances"] = all.Count, ["due"] = due.Length, ["scans"] = runs, ["events_relayed"] = relayed, ["findings_changed"] = findingsChanged };
    }

    /// <summary>Claims the instance and runs a scan in the background; null when a scan is already running.</summary>
    public async Task<ScanClaim?> StartRefreshAsync(PluginInstance instance, bool force, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ScanClaim? claim = await runner.TryClaimAsync(instance, now, scheduled: false, cancellationToken);
        if (claim is null)
        {
            return null;
        }

        CancellationToken stopping = lifetime.ApplicationStopping;
        Task scan = Task.Run(() => runner.RunAsync(claim, "refresh", force, stopping), CancellationToken.None);
        _background[claim.RunId] = scan;
        _ = scan.ContinueWith(t => _background.TryRemove(claim.RunId, out _), TaskScheduler.Default);
        return claim;
    }

    /// <summary>Waits for refreshes started by this process (tests, graceful shutdown).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_background.Values);

    internal static bool IsDue(PluginInstance instance, DateTimeOffset now)
    {
        if (!instance.Enabled)
        {
            return false;
        }

        if (instance.LeaseOwner is not null)
        {
            // Running elsewhere, unless its host stopped renewing: then it is due now.
            return instance.LeaseUntil <= now;
        }

        CrontabSchedule? schedule = ScanSchedule.TryParse(instance.Schedule);
        if (schedule is null)
        {
            return false;
        }

        DateTimeOffset from = instance.LastScheduledAt ?? instance.CreatedAt;
        DateTime next = schedule.GetNextOccurrence(from.UtcDateTime);
        return new DateTimeOffset(next, TimeSpan.Zero) <= now;
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Redaction;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>An instance this host has claimed for one scan.</summary>
public sealed record ScanClaim(PluginInstance Instance, string RunId, DateTimeOffset StartedAt, PluginInstance? Abandoned);

/// <summary>
/// Claims instances (an ETag-guarded lease on the instance row, so two hosts never scan one instance at once),
/// runs their scans under a timeout, writes the findings, records the run and relays its events. A plugin that
/// throws or hangs leaves a failed run record and nothing else.
/// </summary>
public sealed partial class ScanRunner(
    PluginCatalog catalog,
    IInstanceStore instances,
    InstanceValidator validator,
    IScanStore scans,
    InventoryWriter writer,
    OutboxRelay relay,
    IHttpClientFactory httpClientFactory,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    IOptions<DiscoveryOptions> options,
    HostIdentity host)
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<ScanRunner>();

    /// <summary>Takes the instance's lease; null when another scan holds it or another host claimed it first.</summary>
    public async Task<ScanClaim?> TryClaimAsync(PluginInstance instance, DateTimeOffset now, bool scheduled, CancellationToken cancellationToken = default)
    {
        if (instance.LeaseOwner is not null && instance.LeaseUntil > now)
        {
            return null;
        }

        string runId = ScanRun.NewRunId(now);
        PluginInstance claimed = instance with
        {
            LeaseOwner = host.Id,
            LeaseUntil = now + options.Value.LeaseDuration,
            LastScheduledAt = scheduled ? now : instance.LastScheduledAt,
            LastRunId = runId,
            LastRunStatus = ScanStatus.Running,
            LastRunAt = now,
        };
        try
        {
            claimed = await instances.ReplaceAsync(claimed, cancellationToken);
        }
        catch (WriteConflictException)
        {
            return null;
        }

        PluginInstance? abandoned = instance.LeaseOwner is not null && instance.LastRunStatus == ScanStatus.Running ? instance : null;
        return new ScanClaim(claimed, runId, now, abandoned);
    }

    /// <summary>Runs a claimed scan to its end and releases the lease. Never throws except for host shutdown.</summary>
    public async Task<ScanRun> RunAsync(ScanClaim claim, string trigger, bool force, CancellationToken cancellationToken = default)
    {
        PluginInstance instance = claim.Instance;
        if (claim.Abandoned is { LastRunId: { } oldRun } abandoned)
        {
            await MarkAbandonedAsync(abandoned, oldRun, cancellationToken);
        }

        var run = new ScanRun
        {
            Tenant = instance.Tenant,
            InstanceId = instance.Id,
            RunId = claim.RunId,
            Status = ScanStatus.Running,
            Trigger = trigger,
            Forced = force,
            StartedAt = claim.StartedAt,
            Host = host.Id,
        };
        await scans.SaveAsync(run, cancellationToken);
        LogScanStarted(_logger, instance.Tenant, instance.Id, instance.PluginType, run.RunId, trigger);

        PluginConfiguration? configuration = null;
        try
        {
            (configuration, IReadOnlyList<ConfigError> errors) = validator.Validate(instance);
            if (configuration is null)
            {
                run = run with { Status = ScanStatus.Failed, Error = "Invalid configuration: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")) };
            }
            else
            {
                run = await ScanAsync(run, instance, configuration, force, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run = run with { Status = ScanStatus.Failed, Error = "The host shut down during the scan." };
        }
        catch (Exception ex)
        {
            // Storage failing while writing: the run is failed; what was written is consistent per transaction.
            run = run with { Status = ScanStatus.Failed, Error = $"Writing the inventory failed: {ex.GetType().Name}: {ex.Message}" };
        }

        run = run with { CompletedAt = time.GetUtcNow(), Error = SecretRedactor.For(configuration).Redact(run.Error) };
        await FinishAsync(run, instance, CancellationToken.None);
        return run;
    }

    /// <summary>Checks an instance's connection under the verify timeout.</summary>
    public async Task<VerifyResult> VerifyAsync(PluginInstance instance, CancellationToken cancellationToken = default)
    {
        (PluginConfiguration? configuration, IReadOnlyList<ConfigError> errors) = validator.Validate(instance);
        if (configuration is null)
        {
            return VerifyResult.Fail("Invalid configuration: " + string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        }

        var redactor = SecretRedactor.For(configuration);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.VerifyTimeout);
        try
        {
            await using IPlugin plugin = catalog.Find(instance.PluginType)!.Create(configuration, CreateContext(instance, redactor));
            VerifyResult result = await plugin.VerifyConnectionAsync(timeout.Token);
            return result with { Error = redactor.Redact(result.Error) };
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return VerifyResult.Fail($"No answer within {options.Value.VerifyTimeout.TotalSeconds:0} s.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return VerifyResult.Fail(redactor.Redact($"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private async Task<ScanRun> ScanAsync(ScanRun run, PluginInstance instance, PluginConfiguration configuration, bool force, CancellationToken cancellationToken)
    {
        var redactor = SecretRedactor.For(configuration);
        var sink = new CollectingSink(options.Value.MaxAssetsPerScan, redactor);
        string? failure;
        ScanRunProgress progress;
        await using (var recorder = new ScanProgressRecorder(
            scans, run, sink, await ExpectedScopesAsync(run, cancellationToken), time, _logger))
        {
            failure = await PluginScan.RunAsync(
                catalog.Find(instance.PluginType)!, configuration, CreateContext(instance, redactor), sink, options.Value.ScanTimeout, "Discovery__ScanTimeout", cancellationToken);
            progress = recorder.Current(finished: true);
        }

        run = run with { Progress = progress };
        if (failure is not null)
        {
            return run with { Status = ScanStatus.Failed, Error = redactor.Redact(failure) };
        }

        if (sink.Overflowed)
        {
            return run with { Status = ScanStatus.Failed, Error = $"The plugin reported more than Discovery__MaxAssetsPerScan ({options.Value.MaxAssetsPerScan}) assets; nothing was written." };
        }

        IReadOnlyDictionary<string, string?> observed = sink.ObservedScopes();
        InventoryChanges changes = await writer.ApplyAsync(
            new ScanIdentity(instance.Tenant, instance.Id, run.RunId, force), sink.Assets, sink.Edges, observed, cancellationToken);
        bool anyFailed = observed.Values.Any(e => e is not null);
        string status = changes.Refusal is not null ? ScanStatus.Refused : anyFailed ? ScanStatus.Partial : ScanStatus.Succeeded;
        return run with
        {
            Status = status,
            Changes = changes,
            Assets = sink.Assets.Count,
            Edges = sink.Edges.Count,
            Rejected = sink.Rejected.Count,
            Scopes = new Dictionary<string, string?>(observed, StringComparer.Ordinal),
            Notes = new Dictionary<string, ScopeNote>(sink.Notes, StringComparer.Ordinal),
            Error = anyFailed ? $"{observed.Values.Count(e => e is not null)} scope(s) failed; their assets were marked stale." : null,
        };
    }

    /// <summary>How many scopes the instance's last finished scan reported: the expected total while a plugin gives none.</summary>
    private async Task<int?> ExpectedScopesAsync(ScanRun run, CancellationToken cancellationToken)
    {
        IReadOnlyList<ScanRun> recent = await scans.ListAsync(run.Tenant, run.InstanceId, 10, cancellationToken);
        ScanRun? last = recent.FirstOrDefault(r => r.RunId != run.RunId && r.Status is ScanStatus.Succeeded or ScanStatus.Partial or ScanStatus.Refused);
        int? count = last?.Progress?.ScopesDone ?? last?.Scopes.Keys.Union(last.Notes.Keys).Count();
        return count > 0 ? count : null;
    }

    private async Task FinishAsync(ScanRun run, PluginInstance instance, CancellationToken cancellationToken)
    {
        await scans.SaveAsync(run, cancellationToken);
        string eventType = run.Status is ScanStatus.Succeeded or ScanStatus.Partial ? ChangeEventTypes.ScanCompleted : ChangeEventTypes.ScanFailed;
        JsonObject data = run.ToJson();
        data["tenant"] = run.Tenant;
        data["plugin_type"] = instance.PluginType;
        var scanEvent = new ChangeEvent($"{run.RunId}-scan", eventType, ChangeEvent.SourceFor(run.Tenant, run.InstanceId), $"scans/{run.RunId}", run.CompletedAt ?? time.GetUtcNow(), data);
        await writer.AppendEventsAsync(run.Tenant, run.InstanceId, [scanEvent], cancellationToken);
        await ReleaseAsync(instance, run, cancellationToken);
        await relay.RelayAsync(run.Tenant, run.InstanceId, cancellationToken);
        LogScanFinished(_logger, run.Tenant, run.InstanceId, run.RunId, run.Status, run.Changes.Created, run.Changes.Updated, run.Changes.Deleted, run.Changes.Stale, run.Error);
    }

    /// <summary>Clears the lease, re-reading the row if the API changed it meanwhile (stop, edit).</summary>
    private async Task ReleaseAsync(PluginInstance claimed, ScanRun run, CancellationToken cancellationToken)
    {
        PluginInstance? current = claimed;
        for (int attempt = 0; attempt < 5 && current is not null; attempt++)
        {
            if (current.LeaseOwner != host.Id || current.LastRunId != run.RunId)
            {
                return;
            }

            try
            {
                await instances.ReplaceAsync(current with { LeaseOwner = null, LeaseUntil = null, LastRunStatus = run.Status, LastRunAt = run.CompletedAt }, cancellationToken);
                return;
            }
            catch (WriteConflictException)
            {
                // Changed meanwhile (re-read and decide again) or deleted (null ends the loop).
                current = await instances.GetAsync(claimed.Tenant, claimed.Id, cancellationToken);
            }
        }
    }

    private async Task MarkAbandonedAsync(PluginInstance abandoned, string runId, CancellationToken cancellationToken)
    {
        ScanRun? old = await scans.GetAsync(abandoned.Tenant, abandoned.Id, runId, cancellationToken);
        if (old is { Status: ScanStatus.Running })
        {
            await scans.SaveAsync(old with
            {
                Status = ScanStatus.Abandoned,
                CompletedAt = time.GetUtcNow(),
                Error = $"Host {old.Host} stopped renewing its claim; host {host.Id} took the instance over.",
            }, cancellationToken);
        }
    }

    /// <summary>The plugin's view of the host; its logs pass the instance's redaction like its errors do.</summary>
    private PluginContext CreateContext(PluginInstance instance, SecretRedactor redactor) =>
        new(instance.Tenant, instance.Id, httpClientFactory, time, new RedactingLoggerFactory(loggerFactory, redactor),
            mayUseHostIdentity: instance.MayUseHostIdentity);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Scan {RunId} of {Tenant}/{Instance} ({PluginType}) started by {Trigger}")]
    private static partial void LogScanStarted(ILogger logger, string tenant, string instance, string pluginType, string runId, string trigger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Scan {RunId} of {Tenant}/{Instance} ended {Status}: {Created} created, {Updated} updated, {Deleted} deleted, {Stale} stale. {Error}")]
    private static partial void LogScanFinished(ILogger logger, string tenant, string instance, string runId, string status, int created, int updated, int deleted, int stale, string? error);
}

/// <summary>This process's name in leases and run records.</summary>
public sealed class HostIdentity
{
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
}

using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Domain.Scans;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>
/// Keeps a running scan's progress on its run row while the plugin works: at most one write per <see cref="Interval"/>,
/// and none when nothing moved, so a scan of thousands of scopes costs a write a second, not one per scope. A failed write is logged and the scan goes on: progress is a view, not evidence.
/// </summary>
internal sealed partial class ScanProgressRecorder : IAsyncDisposable
{
    /// <summary>How often progress may be written: often enough for a person watching, rare enough to cost nothing.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly IScanStore _store;
    private readonly ScanRun _run;
    private readonly CollectingSink _sink;
    private readonly int? _expectedScopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="expectedScopes">How many scopes the instance's last finished scan reported; the total when the plugin gives none.</param>
    public ScanProgressRecorder(IScanStore store, ScanRun run, CollectingSink sink, int? expectedScopes, TimeProvider time, ILogger logger)
    {
        _store = store;
        _run = run;
        _sink = sink;
        _expectedScopes = expectedScopes;
        _time = time;
        _logger = logger;
        _loop = RecordAsync(_stop.Token);
    }

    /// <summary>Where the scan stands now; <paramref name="finished"/>: nothing more will be reported, so what was is the total.</summary>
    public ScanRunProgress Current(bool finished = false)
    {
        int done = _sink.ReportedScopes;
        int? planned = _sink.PlannedScopes;
        int? total = planned ?? (finished ? done : _expectedScopes);
        return new ScanRunProgress(
            done, total is { } t ? Math.Max(t, done) : null, planned is null && !finished && total is not null, _sink.AssetCount, _time.GetUtcNow());
    }

    /// <summary>Stops recording and waits for a write in flight, so no late write lands after the final record.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RecordAsync(CancellationToken cancellationToken)
    {
        ScanRunProgress? written = null;
        try
        {
            using var timer = new PeriodicTimer(Interval, _time);
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                ScanRunProgress now = Current();
                if (written is not null && now with { UpdatedAt = written.UpdatedAt } == written)
                {
                    continue;
                }

                try
                {
                    if (!await _store.SaveProgressAsync(_run, now, cancellationToken))
                    {
                        return;
                    }

                    written = now;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Whatever the store failed with (an outage, throttling, a timeout), the scan goes on.
                    LogProgressNotSaved(_logger, _run.Tenant, _run.InstanceId, _run.RunId, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The scan ended.
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Progress of scan {RunId} of {Tenant}/{Instance} was not recorded: the store failed with {Error}")]
    private static partial void LogProgressNotSaved(ILogger logger, string tenant, string instance, string runId, string error);
}

using ServerlessDiscovery.Engine.Webhooks;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// One discovery tick: the DiscoveryTick timer function under the Functions host, the standalone timer otherwise.
/// The engine's scheduler finds due instances and scans them; stale deliveries are swept.
/// </summary>
internal sealed partial class DiscoveryTickHandler(DiscoveryScheduler scheduler, DeliverySweep deliveries, TimeProvider time, ILogger<DiscoveryTickHandler> logger)
{
    public async Task<JsonObject> RunAsync(bool isPastDue, CancellationToken cancellationToken)
    {
        if (isPastDue)
        {
            LogPastDue(logger);
        }

        // What is due is decided from this process's clock, not the host's, so both modes agree.
        DateTimeOffset now = time.GetUtcNow();
        JsonObject summary = await scheduler.TickAsync(now, cancellationToken);
        summary["deliveries_republished"] = await deliveries.SweepAsync(now, cancellationToken);
        LogTick(logger, (int?)summary["due"] ?? 0, (int?)summary["instances"] ?? 0, (int?)summary["events_relayed"] ?? 0);
        return summary;
    }

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Timer is past due; running the missed tick now")]
    private static partial void LogPastDue(ILogger logger);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Tick: {Due} due of {Instances} instances, {EventsRelayed} events relayed")]
    private static partial void LogTick(ILogger logger, int due, int instances, int eventsRelayed);
}

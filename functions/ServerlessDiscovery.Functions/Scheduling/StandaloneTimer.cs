using Microsoft.Extensions.Options;
using NCrontab;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// Standalone mode's stand-in for the host's timer trigger: fires DiscoveryTick on the DISCOVERY_TICK schedule
/// through the same handler the DiscoveryTick function calls. A failed tick is logged and the next one runs as usual.
/// </summary>
internal sealed partial class StandaloneTimer(
    DiscoveryTickHandler handler,
    IOptions<DiscoveryScheduleOptions> options,
    TimeProvider time,
    ILogger<StandaloneTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        CrontabSchedule schedule = options.Value.Parse();
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = time.GetUtcNow();
            DateTime next = schedule.GetNextOccurrence(now.UtcDateTime);
            TimeSpan wait = new DateTimeOffset(next, TimeSpan.Zero) - now;
            try
            {
                await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await handler.RunAsync(isPastDue: false, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogTickFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Error, Message = "Discovery tick failed; the next tick runs on schedule")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using NCrontab;
using ServerlessDiscovery.Functions.Invocations;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// Standalone mode's stand-in for the host's timer trigger: fires DiscoveryTick on the DISCOVERY_TICK schedule
/// through the same handler the host would invoke. A failed tick is logged and the next one runs as usual.
/// </summary>
internal sealed partial class StandaloneTimer(
    IEnumerable<IFunctionHandler> handlers,
    IOptions<DiscoveryScheduleOptions> options,
    TimeProvider time,
    ILogger<StandaloneTimer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IFunctionHandler handler = handlers.Single(h => h.Name == DiscoveryTickFunction.FunctionName);
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

            var invocation = new FunctionInvocation(handler.Name, new Dictionary<string, JsonElement>(), default);
            try
            {
                await handler.InvokeAsync(invocation, stoppingToken);
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

using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Scheduling;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>The discovery timer (DISCOVERY_TICK, 6-field NCRONTAB): runs the tick the standalone timer runs.</summary>
internal sealed class DiscoveryTickFunction(DiscoveryTickHandler handler)
{
    [Function("DiscoveryTick")]
    public Task Run([TimerTrigger("%" + DiscoveryScheduleOptions.SettingName + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        handler.RunAsync(timer.IsPastDue, cancellationToken);
}

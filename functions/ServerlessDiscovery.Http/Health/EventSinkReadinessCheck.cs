using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Http.Hosting;

namespace ServerlessDiscovery.Http.Health;

/// <summary>The change feed's destination: Event Grid when a topic is configured, else the in-process dispatcher (standalone only).</summary>
internal sealed class EventSinkReadinessCheck(IEventSink sink, HostingModeAccessor mode) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await ProbeAsync(cancellationToken) is { } down ? HealthCheckResult.Unhealthy(down) : HealthCheckResult.Healthy();

    private Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        if (mode.Mode == HostingMode.FunctionsWorker && sink.Name != "eventGrid")
        {
            return Task.FromResult<string?>("EventGrid__TopicEndpoint is not set: under the Functions host change events and webhook deliveries need an Event Grid topic.");
        }

        return sink.CheckAsync(cancellationToken);
    }
}

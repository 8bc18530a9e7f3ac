using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Http.Health;

/// <summary>The deliveries queue answers: without it no webhook is delivered in either mode.</summary>
internal sealed class DeliveriesQueueReadinessCheck(IDeliveryQueueTransport queue) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await queue.ProbeAsync(cancellationToken) is { } down ? HealthCheckResult.Unhealthy(down) : HealthCheckResult.Healthy();
}

using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Domain.Availability;

namespace ServerlessDiscovery.Http.Health;

/// <summary>Table Storage answers (the storage layer's probe says what is wrong, without secrets).</summary>
internal sealed class TableStorageReadinessCheck(IStorageAvailability storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await storage.ProbeAsync(cancellationToken) is { } down ? HealthCheckResult.Unhealthy(down) : HealthCheckResult.Healthy();
}

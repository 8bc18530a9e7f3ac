using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Engine.Storage;
using ServerlessDiscovery.Tables;

namespace ServerlessDiscovery.Functions.Health;

internal sealed class TableStorageReadinessCheck(TableStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await ProbeAsync(cancellationToken) is { } down ? HealthCheckResult.Unhealthy(down) : HealthCheckResult.Healthy();

    /// <summary>Null when Table Storage answers; otherwise what is wrong, without secrets.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Service.GetTableNamesAsync(1, cancellationToken);
            return null;
        }
        catch (TableRequestFailedException ex)
        {
            return $"Table Storage at {store.Service.Endpoint.GetLeftPart(UriPartial.Authority)} refused the request ({ex.Status} {ex.ErrorCode}).";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException)
        {
            return $"Table Storage at {store.Service.Endpoint.GetLeftPart(UriPartial.Authority)} is unreachable: {ex.GetType().Name}.";
        }
    }
}

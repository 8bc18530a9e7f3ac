using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Http.Health;

internal sealed class TableStorageReadinessCheck(TableStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await ProbeAsync(cancellationToken) is { } down ? HealthCheckResult.Unhealthy(down) : HealthCheckResult.Healthy();

    /// <summary>Null when Table Storage answers; otherwise what is wrong, without secrets.</summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        string endpoint = store.Service.Uri.GetLeftPart(UriPartial.Authority);
        try
        {
            await store.PingAsync(cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            return $"Table Storage at {endpoint} refused the request ({ex.Status} {ex.ErrorCode}).";
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException)
        {
            // Azure.Core reports a network failure as status 0, and one that outlasted every retry as an AggregateException.
            return $"Table Storage at {endpoint} is unreachable: {ex.GetType().Name}.";
        }
    }
}

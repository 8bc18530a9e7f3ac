using Azure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ServerlessDiscovery.Functions.Delivery;

namespace ServerlessDiscovery.Http.Health;

/// <summary>The deliveries queue answers: without it no webhook is delivered in either mode.</summary>
internal sealed class DeliveriesQueueReadinessCheck(DeliveryQueueClient queue) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await queue.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            return HealthCheckResult.Unhealthy($"The deliveries queue '{queue.Name}' refused the request ({ex.Status} {ex.ErrorCode}).");
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException)
        {
            // Only the type: a connection failure's message can carry the account's address or more.
            return HealthCheckResult.Unhealthy($"The deliveries queue '{queue.Name}' is unreachable: {ex.GetType().Name}.");
        }
    }
}

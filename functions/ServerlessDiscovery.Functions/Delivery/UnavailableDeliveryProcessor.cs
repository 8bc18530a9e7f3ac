using System.Text.Json;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// Registered until webhook delivery is built (issue "Discovery from OpenTelemetry traces, the read API, and webhooks").
/// It fails every Deliver invocation so Event Grid keeps the event for retry instead of it being dropped.
/// </summary>
internal sealed class UnavailableDeliveryProcessor : IDeliveryProcessor
{
    public Task DeliverAsync(JsonElement deliveryEvent, CancellationToken cancellationToken) =>
        throw new NotSupportedException("Webhook delivery is not built yet; the event is left to Event Grid's retries.");
}

using System.Text.Json;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>Delivers the webhook payload carried by one Event Grid event (CloudEvents or Event Grid schema).</summary>
public interface IDeliveryProcessor
{
    /// <summary>Throws when the delivery must be retried: in Functions mode Event Grid then redelivers the event.</summary>
    Task DeliverAsync(JsonElement deliveryEvent, CancellationToken cancellationToken);
}

using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Engine.Delivery;
using ServerlessDiscovery.Storage.Delivery;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>
/// One message of the deliveries queue (DELIVERIES_QUEUE): a delivery attempt of ours or a change event that the Event Grid
/// subscription wrote. Retries are re-enqueued by the handler with their own delay; a thrown exception (storage trouble)
/// fails the invocation, and the queue offers the message again, then moves it to {queue}-poison.
/// </summary>
internal sealed class DeliverFunction(IDeliveryQueueHandler handler)
{
    [Function("Deliver")]
    public Task Run([QueueTrigger(DeliveryQueueOptions.TriggerQueueName, Connection = DeliveryQueueOptions.ConnectionName)] string message, CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);
}

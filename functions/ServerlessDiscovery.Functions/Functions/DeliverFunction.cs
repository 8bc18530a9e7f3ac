using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Delivery;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>
/// One message of the deliveries queue (fed by an Event Grid subscription). A thrown exception fails the invocation:
/// the queue retries the message, then moves it to deliveries-poison.
/// </summary>
internal sealed class DeliverFunction(IDeliveryQueueHandler handler)
{
    /// <summary>The queue in the app's storage account (AzureWebJobsStorage) that Bicep creates.</summary>
    public const string QueueName = "deliveries";

    [Function("Deliver")]
    public Task Run([QueueTrigger(QueueName, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        handler.HandleAsync(message, cancellationToken);
}

namespace ServerlessDiscovery.Engine.Delivery;

/// <summary>
/// The one consumer of the deliveries queue, whoever reads the queue: the Functions host's queue trigger, or the
/// standalone poller. A message is our own delivery attempt or a change event written there by an Event Grid
/// subscription (CloudEvents, plain JSON or base64). Returning normally means the message is done with and may be
/// deleted, also when it was malformed or a duplicate; an exception means it should be offered again (storage trouble).
/// </summary>
public interface IDeliveryQueueHandler
{
    Task HandleAsync(string message, CancellationToken cancellationToken);
}

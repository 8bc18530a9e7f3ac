namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// Handles one message of the deliveries queue (the Deliver function's trigger). The message body is passed as the
/// queue holds it; what it means is this interface's implementation's business.
/// </summary>
public interface IDeliveryQueueHandler
{
    /// <summary>Throws when the message must be retried: the queue makes it visible again, then moves it to the poison queue.</summary>
    Task HandleAsync(string message, CancellationToken cancellationToken);
}

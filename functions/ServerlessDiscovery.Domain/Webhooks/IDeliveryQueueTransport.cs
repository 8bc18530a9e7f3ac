namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>
/// The queue that carries deliveries' next attempts (a Storage queue in both hosting modes; the storage layer provides
/// it). The delivery records stay the source of truth: a message only says which attempt of which delivery is due.
/// Sending is all the core needs; receiving, deleting and setting aside are for the standalone poller, which stands in
/// for the Functions host's queue trigger.
/// </summary>
public interface IDeliveryQueueTransport
{
    /// <summary>The queue's name, for logs and readiness reports.</summary>
    string Name { get; }

    /// <summary>Puts an encoded message on the queue, invisible for <paramref name="delay"/> (whole seconds, at most seven days: the queue counts no finer).</summary>
    Task SendAsync(string message, TimeSpan delay, CancellationToken cancellationToken = default);

    /// <summary>Takes up to <paramref name="maxMessages"/> visible messages, each hidden from other readers for <paramref name="visibilityTimeout"/>.</summary>
    Task<IReadOnlyList<DeliveryQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Removes a received message once it is handled.</summary>
    Task DeleteAsync(DeliveryQueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Moves a message that kept failing to the queue's "-poison" companion, as the Functions host does after maxDequeueCount.</summary>
    Task MoveToPoisonAsync(DeliveryQueueMessage message, CancellationToken cancellationToken = default);

    /// <summary>Null when the queue answers (and exists); otherwise what is wrong, in words safe to show.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken = default);
}

/// <summary>One received message of the deliveries queue.</summary>
/// <param name="Id">The queue's id of the message.</param>
/// <param name="Receipt">Proof of this receipt (opaque), needed to delete it.</param>
/// <param name="Body">The message text as sent.</param>
/// <param name="DequeueCount">How many times the message has been received, this time included.</param>
public sealed record DeliveryQueueMessage(string Id, string Receipt, string Body, long DequeueCount);

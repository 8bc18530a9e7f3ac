namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>
/// The queue that carries deliveries' next attempts (a Storage queue in both hosting modes); the host provides it. The
/// delivery records stay the source of truth: a message only says which attempt of which delivery is due.
/// </summary>
public interface IDeliveryQueueTransport
{
    /// <summary>Puts an encoded message on the queue, invisible for <paramref name="delay"/> (whole seconds, rounded up, at most seven days).</summary>
    Task SendAsync(string message, TimeSpan delay, CancellationToken cancellationToken = default);
}

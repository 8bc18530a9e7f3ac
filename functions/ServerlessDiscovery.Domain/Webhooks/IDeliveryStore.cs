namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>Delivery records: the source of truth for every payload owed to a subscriber, per instance, keyed by delivery id.</summary>
public interface IDeliveryStore
{
    /// <summary>Inserts a new delivery; false when one with this id exists already (an idempotent fan-out ran before).</summary>
    Task<bool> AddAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>The delivery with its body, or null.</summary>
    Task<WebhookDelivery?> GetAsync(string tenant, string instanceId, string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the delivery's state if it is unchanged since read (its <see cref="WebhookDelivery.ETag"/>), else throws
    /// <see cref="WriteConflictException"/>. The stored body is kept as it is; with <paramref name="dropBody"/> it is
    /// removed (a finished delivery keeps no payload).
    /// </summary>
    Task<WebhookDelivery> UpdateAsync(WebhookDelivery delivery, bool dropBody = false, CancellationToken cancellationToken = default);

    /// <summary>Every pending delivery, without bodies: what a starting process picks up from the one before.</summary>
    Task<IReadOnlyList<WebhookDelivery>> ListPendingAsync(CancellationToken cancellationToken = default);
}

using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Delivery;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>
/// Queues deliveries: each is written to the "deliveries" table first (the source of truth), then its next attempt
/// goes on the deliveries queue as one message. Writing an existing id again is harmless. The standalone poller is told
/// when a message sent here becomes visible (<see cref="DeliveryQueueSignal"/>), so a due retry is not left to its next poll.
/// </summary>
internal sealed class DeliveryQueue(IDeliveryStore store, IDeliveryQueueTransport queue, DeliveryQueueSignal signal, TimeProvider time)
{
    public async Task EnqueueAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        foreach (WebhookDelivery delivery in deliveries)
        {
            if (await store.AddAsync(delivery, cancellationToken))
            {
                await ScheduleAsync(delivery, cancellationToken);
            }
            else if (await store.GetAsync(delivery.Tenant, delivery.InstanceId, delivery.Id, cancellationToken) is { State: DeliveryStates.Pending } existing)
            {
                // Queued before, but its message may never have been sent (a failed send): send it again. A duplicate
                // message is harmless, since only the message for the record's next attempt acts.
                await ScheduleAsync(existing, cancellationToken);
            }
        }
    }

    /// <summary>Puts a stored pending delivery's next attempt on the queue, visible when the record says it is due.</summary>
    public Task ScheduleAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default) =>
        ScheduleAsync(delivery.Tenant, delivery.InstanceId, delivery.Id, delivery.Attempts + 1, delivery.NextAttemptAt - time.GetUtcNow(), cancellationToken);

    public async Task ScheduleAsync(string tenant, string instanceId, string id, int attempt, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        // Whole seconds, never shorter than asked: what the queue applies, and so when the message becomes visible.
        TimeSpan visibility = RetrySchedule.WholeSeconds(delay);
        await queue.SendAsync(DeliveryMessage.For(tenant, instanceId, id, attempt).Encode(), visibility, cancellationToken);
        signal.Notify(visibility);
    }
}

using ServerlessDiscovery.Domain.Webhooks;
namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>
/// The delivery records are the source of truth, the queue only carries their next attempts. If putting an attempt on
/// the queue failed (storage trouble after the record was written, a process stopped in between), the pending record
/// would wait forever; each tick therefore queues again the pending deliveries that are overdue by a while. A duplicate
/// message is harmless: only the message for a record's next attempt acts.
/// </summary>
internal sealed class DeliverySweep(IDeliveryStore store, DeliveryQueue queue)
{
    /// <summary>A pending delivery untouched and overdue this long is queued again.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        DateTimeOffset cutoff = now - StaleAfter;
        WebhookDelivery[] stale = [.. (await store.ListPendingAsync(cancellationToken)).Where(d => d.UpdatedAt < cutoff && d.NextAttemptAt < cutoff)];
        foreach (WebhookDelivery delivery in stale)
        {
            await queue.ScheduleAsync(delivery.Tenant, delivery.InstanceId, delivery.Id, delivery.Attempts + 1, TimeSpan.Zero, cancellationToken);
        }

        return stale.Length;
    }
}

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// Under the Functions host a delivery reaches the Deliver function only through its Event Grid event. If publishing
/// that event failed, the stored delivery would wait forever; each tick therefore publishes again the pending
/// deliveries that have not been attempted for a while. Deliver is idempotent, so a duplicate event is harmless.
/// Standalone, the in-process dispatcher keeps its own schedule and picks up pending rows at start, so this is a no-op.
/// </summary>
internal sealed class DeliverySweep(DeliveryStore store, IDeliveryDispatch dispatch)
{
    /// <summary>A pending delivery untouched this long is published again.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    public async Task<int> SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (dispatch is not EventGridDeliveryDispatch)
        {
            return 0;
        }

        DateTimeOffset cutoff = now - StaleAfter;
        WebhookDelivery[] stale = [.. (await store.ListPendingAsync(cancellationToken)).Where(d => d.UpdatedAt < cutoff && d.NextAttemptAt < cutoff)];
        if (stale.Length > 0)
        {
            await dispatch.DispatchAsync(stale, cancellationToken);
        }

        return stale.Length;
    }
}

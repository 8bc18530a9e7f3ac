namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>Hands stored deliveries to whatever makes their attempts: the in-process dispatcher, or Event Grid and the Deliver function.</summary>
internal interface IDeliveryDispatch
{
    Task DispatchAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken);
}

/// <summary>Queues deliveries: each is written to the "deliveries" table first, then dispatched. Writing an existing id again is harmless.</summary>
internal sealed class DeliveryQueue(DeliveryStore store, IDeliveryDispatch dispatch)
{
    public async Task EnqueueAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken = default)
    {
        var toDispatch = new List<WebhookDelivery>(deliveries.Count);
        foreach (WebhookDelivery delivery in deliveries)
        {
            if (await store.AddAsync(delivery, cancellationToken))
            {
                toDispatch.Add(delivery);
            }
            else if (await store.GetAsync(delivery.Tenant, delivery.InstanceId, delivery.Id, cancellationToken) is { State: DeliveryStates.Pending } existing)
            {
                // Queued before, but the dispatch may not have happened (a failed publish): dispatch again.
                toDispatch.Add(existing);
            }
        }

        if (toDispatch.Count > 0)
        {
            await dispatch.DispatchAsync(toDispatch, cancellationToken);
        }
    }
}

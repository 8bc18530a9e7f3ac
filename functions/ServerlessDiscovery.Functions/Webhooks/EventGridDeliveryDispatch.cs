using System.Text.Json.Nodes;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// Under the Functions host: each delivery becomes one CloudEvent on the change-feed topic; Event Grid hands it to the
/// Deliver function, which makes one attempt and fails the invocation to have Event Grid retry.
/// </summary>
internal sealed class EventGridDeliveryDispatch(IOptions<EventGridOptions> options) : IDeliveryDispatch
{
    public const string EventType = "ServerlessDiscovery.Webhook.Delivery";
    private const int MaxEventsPerCall = 500;

    private readonly EventGridPublisherClient _client = EventGridPublishing.CreateClient(options.Value);

    public async Task DispatchAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        foreach (WebhookDelivery[] chunk in deliveries.Chunk(MaxEventsPerCall))
        {
            CloudEvent[] events = [.. chunk.Select(ToCloudEvent)];
            await _client.SendEventsAsync(events, cancellationToken);
        }
    }

    public static CloudEvent ToCloudEvent(WebhookDelivery delivery)
    {
        var data = new JsonObject { ["tenant"] = delivery.Tenant, ["instance"] = delivery.InstanceId, ["delivery_id"] = delivery.Id };
        return new CloudEvent(ChangeEvent.SourceFor(delivery.Tenant, delivery.InstanceId), EventType, BinaryData.FromString(data.ToJsonString()), "application/json", CloudEventDataFormat.Json)
        {
            Id = delivery.Id,
            Subject = $"deliveries/{delivery.Id}",
            Time = delivery.CreatedAt,
        };
    }
}

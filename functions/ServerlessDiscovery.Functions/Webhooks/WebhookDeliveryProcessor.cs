using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Functions.Delivery;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// The Deliver function's work under the Functions host. A ServerlessDiscovery.Webhook.Delivery event gets one attempt:
/// delivered, dead-lettered or already finished → return; failed with attempts left → throw, and Event Grid redelivers.
/// A change event (Asset.* / Scan.*) fans out into one queued delivery per matching subscription; nothing is sent inline.
/// </summary>
internal sealed partial class WebhookDeliveryProcessor(WebhookDeliverer deliverer, ChangeEventFanOut fanOut, ILogger<WebhookDeliveryProcessor> logger) : IDeliveryProcessor
{
    private const string ChangeTypePrefixAsset = "ServerlessDiscovery.Asset.";
    private const string ChangeTypePrefixScan = "ServerlessDiscovery.Scan.";

    public async Task DeliverAsync(JsonElement deliveryEvent, CancellationToken cancellationToken)
    {
        string? type = Text(deliveryEvent, "type") ?? Text(deliveryEvent, "eventType");
        string id = Text(deliveryEvent, "id") ?? "(no id)";
        if (type == EventGridDeliveryDispatch.EventType)
        {
            JsonElement data = deliveryEvent.TryGetProperty("data", out JsonElement d) ? DeliveryQueueMessageHandler.Unwrap(d) : default;
            if (data.ValueKind != JsonValueKind.Object || Text(data, "tenant") is not { } tenant || Text(data, "instance") is not { } instance || Text(data, "delivery_id") is not { } deliveryId)
            {
                // Retrying a malformed event cannot help: say so and let it go.
                LogMalformed(logger, id);
                return;
            }

            (DeliveryOutcome outcome, DateTimeOffset next) = await deliverer.AttemptAsync(tenant, instance, deliveryId, cancellationToken);
            if (outcome is DeliveryOutcome.Retry or DeliveryOutcome.Busy)
            {
                throw new WebhookDeliveryFailedException($"Webhook delivery {deliveryId} is not delivered yet ({outcome}; next attempt wanted at {next:O}); Event Grid will redeliver it.");
            }

            return;
        }

        if (type is not null && (type.StartsWith(ChangeTypePrefixAsset, StringComparison.Ordinal) || type.StartsWith(ChangeTypePrefixScan, StringComparison.Ordinal)))
        {
            if (JsonNode.Parse(deliveryEvent.GetRawText()) is not JsonObject json || Text(deliveryEvent, "source") is not { } source || source.Split('/').Length < 5)
            {
                LogMalformed(logger, id);
                return;
            }

            await fanOut.FanOutAsync([ChangeEvent.FromCloudEventJson(json)], cancellationToken);
            return;
        }

        LogIgnored(logger, id, type ?? "(none)");
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 4131, Level = LogLevel.Warning, Message = "Deliver received event {Id} without the fields it needs; it is dropped")]
    private static partial void LogMalformed(ILogger logger, string id);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Debug, Message = "Deliver ignores event {Id} of type {Type}")]
    private static partial void LogIgnored(ILogger logger, string id, string type);
}

/// <summary>An attempt failed with attempts left: failing the invocation makes Event Grid redeliver the event.</summary>
public sealed class WebhookDeliveryFailedException : Exception
{
    public WebhookDeliveryFailedException()
    {
    }

    public WebhookDeliveryFailedException(string message)
        : base(message)
    {
    }

    public WebhookDeliveryFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

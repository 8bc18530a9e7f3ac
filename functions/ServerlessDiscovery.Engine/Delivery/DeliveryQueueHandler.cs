using Microsoft.Extensions.Logging;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Webhooks;

namespace ServerlessDiscovery.Engine.Delivery;

/// <summary>
/// Handles one deliveries-queue message, the same under the Functions host and standalone:
/// <list type="bullet">
/// <item>a <see cref="DeliveryMessage"/>: one attempt of one delivery to one subscriber; a failure with attempts left
/// puts the next attempt on the queue, invisible for the backoff or the subscriber's Retry-After (the invocation
/// itself succeeds, so the queue's own retry never decides the timing);</item>
/// <item>a change event (CloudEvent <c>ServerlessDiscovery.Asset.*</c> / <c>Scan.*</c>, alone or in an array) that
/// an Event Grid subscription wrote to the queue: it fans out into delivery records and their first attempts.</item>
/// </list>
/// Plain JSON and base64 are both accepted. What cannot be understood is logged and dropped, never retried.
/// </summary>
internal sealed partial class DeliveryQueueHandler(
    WebhookDeliverer deliverer, DeliveryQueue queue, ChangeEventFanOut fanOut, ILogger<DeliveryQueueHandler> logger) : IDeliveryQueueHandler
{
    private const string AssetTypePrefix = "ServerlessDiscovery.Asset.";
    private const string ScanTypePrefix = "ServerlessDiscovery.Scan.";

    public async Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        if (DeliveryMessage.DecodeJson(message) is not { } json)
        {
            LogMalformed(logger, "neither JSON nor base64-encoded JSON");
            return;
        }

        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            LogMalformed(logger, "not valid JSON");
            return;
        }

        if (root.ValueKind == JsonValueKind.Object && Text(root, "type") == DeliveryMessage.AttemptType)
        {
            if (DeliveryMessage.FromJson(root) is not { } attempt)
            {
                LogMalformed(logger, "a delivery attempt without tenant, instance, delivery or attempt");
                return;
            }

            await AttemptAsync(attempt, cancellationToken);
            return;
        }

        List<ChangeEvent> events = [];
        foreach (JsonElement item in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
        {
            if (ToChangeEvent(item) is { } change)
            {
                events.Add(change);
            }
        }

        if (events.Count > 0)
        {
            await fanOut.FanOutAsync(events, cancellationToken);
        }
    }

    private async Task AttemptAsync(DeliveryMessage message, CancellationToken cancellationToken)
    {
        (DeliveryOutcome outcome, TimeSpan retryIn) = await deliverer.AttemptAsync(message.Tenant, message.Instance, message.Delivery, message.Attempt, cancellationToken);
        if (outcome == DeliveryOutcome.Retry)
        {
            // If this send fails the record still says when it is due; the tick's sweep puts it on the queue again.
            await queue.ScheduleAsync(message.Tenant, message.Instance, message.Delivery, message.Attempt + 1, retryIn, cancellationToken);
        }
    }

    /// <summary>A change event of ours in CloudEvents 1.0 form, or null (logged) for anything else.</summary>
    private ChangeEvent? ToChangeEvent(JsonElement item)
    {
        string? type = Text(item, "type");
        string id = Text(item, "id") ?? "(no id)";
        if (type is null || !(type.StartsWith(AssetTypePrefix, StringComparison.Ordinal) || type.StartsWith(ScanTypePrefix, StringComparison.Ordinal)))
        {
            LogIgnored(logger, id, type ?? Text(item, "eventType") ?? "(none)");
            return null;
        }

        string[] source = (Text(item, "source") ?? string.Empty).Split('/');
        if (Text(item, "id") is null || source is not [_, "tenants", { Length: > 0 }, "instances", { Length: > 0 }]
            || !DateTimeOffset.TryParse(Text(item, "time"), System.Globalization.CultureInfo.InvariantCulture, out _)
            || JsonNode.Parse(item.GetRawText()) is not JsonObject json)
        {
            LogMalformedEvent(logger, id);
            return null;
        }

        return ChangeEvent.FromCloudEventJson(json);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(EventId = 4131, Level = LogLevel.Warning, Message = "Deliveries queue message dropped: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 4133, Level = LogLevel.Warning, Message = "Deliveries queue change event {Id} has no id, time or /tenants/{{tenant}}/instances/{{instance}} source; dropped")]
    private static partial void LogMalformedEvent(ILogger logger, string id);

    [LoggerMessage(EventId = 4132, Level = LogLevel.Information, Message = "Deliveries queue event {Id} of type {Type} is not a change event; dropped")]
    private static partial void LogIgnored(ILogger logger, string id, string type);
}

using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// Reads a deliveries-queue message as the event it carries (an Event Grid or CloudEvents event, written by an Event Grid
/// subscription) and hands it to the delivery processor. The body is accepted as plain JSON or as base64 of it, so the
/// handler does not depend on which encoding the writer used.
/// </summary>
internal sealed partial class DeliveryQueueMessageHandler(IDeliveryProcessor processor, ILogger<DeliveryQueueMessageHandler> logger) : IDeliveryQueueHandler
{
    public Task HandleAsync(string message, CancellationToken cancellationToken)
    {
        if (!TryRead(message, out JsonElement deliveryEvent))
        {
            // Retrying a message that is not an event cannot help: say so and let it go.
            LogUnreadable(logger, message.Length);
            return Task.CompletedTask;
        }

        return processor.DeliverAsync(deliveryEvent, cancellationToken);
    }

    /// <summary>The event object in a message body: plain JSON, base64 of JSON, or either encoded again as a JSON string.</summary>
    internal static bool TryRead(string message, out JsonElement deliveryEvent)
    {
        deliveryEvent = default;
        string text = message.Trim();
        if (text.Length > 0 && text[0] != '{' && text[0] != '"' && TryDecodeBase64(text) is { } decoded)
        {
            text = decoded.Trim();
        }

        if (text.Length == 0)
        {
            return false;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(text);
            deliveryEvent = Unwrap(doc.RootElement.Clone());
            return deliveryEvent.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Decodes a value that is a JSON document inside a string, as many times as it was encoded.</summary>
    internal static JsonElement Unwrap(JsonElement value)
    {
        for (int depth = 0; depth < 4 && value.ValueKind == JsonValueKind.String; depth++)
        {
            string inner = value.GetString()!.TrimStart();
            if (inner.Length == 0 || (inner[0] != '{' && inner[0] != '[' && inner[0] != '"'))
            {
                break;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(inner);
                value = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                break;
            }
        }

        return value;
    }

    private static string? TryDecodeBase64(string text)
    {
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        try
        {
            if (!Convert.TryFromBase64String(text, bytes, out int written))
            {
                return null;
            }

            return Encoding.UTF8.GetString(bytes, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Deliver received a message of {Length} characters that is not an event (JSON or base64 JSON); it is dropped")]
    private static partial void LogUnreadable(ILogger logger, int length);
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Engine.Delivery;

/// <summary>
/// Our own queue message: "make attempt <see cref="Attempt"/> of this delivery". The attempt number makes a duplicate
/// harmless: only the message for the record's next attempt acts, any other is dropped. On the queue it is base64
/// of this JSON, the Functions host's default message encoding:
/// <c>{"type":"ServerlessDiscovery.Webhook.DeliveryAttempt","tenant":"…","instance":"…","delivery":"…","attempt":1}</c>.
/// </summary>
internal sealed record DeliveryMessage(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("delivery")] string Delivery,
    [property: JsonPropertyName("attempt")] int Attempt)
{
    public const string AttemptType = "ServerlessDiscovery.Webhook.DeliveryAttempt";

    public static DeliveryMessage For(string tenant, string instance, string delivery, int attempt) => new(AttemptType, tenant, instance, delivery, attempt);

    /// <summary>The JSON, base64-encoded as it goes on the queue.</summary>
    public string Encode() => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this, DeliveryMessageJsonContext.Default.DeliveryMessage));

    /// <summary>The message's JSON: the text itself when it is JSON, else the UTF-8 its base64 decodes to; null when it is neither.</summary>
    public static byte[]? DecodeJson(string message)
    {
        ReadOnlySpan<char> text = message.AsSpan().Trim();
        if (text.Length == 0)
        {
            return null;
        }

        if (text[0] is '{' or '[')
        {
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        byte[] buffer = new byte[text.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out int written))
        {
            return null;
        }

        ReadOnlySpan<byte> json = buffer.AsSpan(0, written).TrimStart(" \t\r\n"u8);
        return json.Length > 0 && json[0] is (byte)'{' or (byte)'[' ? json.ToArray() : null;
    }

    /// <summary>An attempt message with every field present, else null.</summary>
    public static DeliveryMessage? FromJson(JsonElement element)
    {
        DeliveryMessage? message;
        try
        {
            message = element.Deserialize(DeliveryMessageJsonContext.Default.DeliveryMessage);
        }
        catch (JsonException)
        {
            return null;
        }

        return message is { Type: AttemptType, Attempt: >= 1 }
            && !string.IsNullOrEmpty(message.Tenant) && !string.IsNullOrEmpty(message.Instance) && !string.IsNullOrEmpty(message.Delivery)
            ? message
            : null;
    }
}

[JsonSerializable(typeof(DeliveryMessage))]
internal sealed partial class DeliveryMessageJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>Reads optional fields of provider JSON, where fields are often omitted or null.</summary>
public static class JsonFields
{
    /// <summary>A string field, or the raw JSON text of a non-string field; null when absent or null.</summary>
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    /// <summary>A non-empty field, or a <see cref="ProviderException"/> naming the provider, operation and field.</summary>
    public static string Required(string provider, string operation, JsonElement element, string name) =>
        Text(element, name) is { Length: > 0 } value ? value : throw new ProviderException($"{provider} {operation} returned an item without '{name}'.");

    /// <summary>An object field, or <c>default</c> (ValueKind Undefined) when absent or not an object.</summary>
    public static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : default;

    /// <summary>The items of an array field; none when absent or not an array.</summary>
    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    /// <summary>A copy of a field as a <see cref="JsonNode"/> for attributes; null when absent or null.</summary>
    public static JsonNode? Node(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? JsonNode.Parse(value.GetRawText())
            : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.LiteLlm.Api;

/// <summary>Reads optional fields of LiteLLM objects, where most fields are optional or null.</summary>
internal static class JsonFields
{
    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;

    public static string Required(string operation, JsonElement element, string name) =>
        Text(element, name) is { Length: > 0 } value ? value : throw new ProviderException($"LiteLLM {operation} returned an item without '{name}'.");

    public static JsonElement Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : default;

    public static IEnumerable<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : [];

    public static JsonNode? Node(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null
            ? JsonNode.Parse(value.GetRawText())
            : null;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Scanning;

/// <summary>Reading AWS JSON responses: paging, tolerant lookups, and shape errors as <see cref="ProviderException"/>s.</summary>
internal static class AwsJson
{
    /// <summary>
    /// Fetches pages until the response has no <paramref name="tokenName"/>; a token that repeats is a provider fault
    /// (it would loop forever) and fails the listing.
    /// </summary>
    public static async Task ForEachPageAsync(string operation, string tokenName, Func<string?, Task<JsonDocument>> fetch, Func<JsonElement, Task> onPage)
    {
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            using JsonDocument page = await fetch(token);
            if (page.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ProviderException($"{operation} returned JSON that is not an object.");
            }

            await onPage(page.RootElement);
            token = String(page.RootElement, tokenName);
            if (token is not null && !seen.Add(token))
            {
                throw new ProviderException($"{operation} returned the same {tokenName} twice.");
            }
        }
        while (!string.IsNullOrEmpty(token));
    }

    /// <summary>The items of the array <paramref name="name"/>; none when the property is absent or null.</summary>
    public static IEnumerable<JsonElement> Items(JsonElement element, string name, string operation)
    {
        if (!element.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().ToArray()
            : throw new ProviderException($"{operation} returned '{name}' that is not a list.");
    }

    /// <summary>
    /// A refusal about one item rather than the service: it is gone or invalid (404, ValidationException,
    /// ResourceNotFoundException). Access denied, throttling and server errors still fail the scope.
    /// </summary>
    public static bool IsItemUnreadable(ProviderException ex) =>
        ex.Status == 404 || ex.ErrorCode is "ValidationException" or "ResourceNotFoundException" or "ResourceNotFound";

    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A string property of an optional object (an absent object has none).</summary>
    public static string? String(JsonElement? element, string name) => element is { } value ? String(value, name) : null;

    public static string RequiredString(JsonElement element, string name, string operation) =>
        String(element, name) is { Length: > 0 } value ? value : throw new ProviderException($"{operation} returned an item without '{name}'.");

    public static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : null;

    /// <summary>Copies the named properties that are present under their original names into a new attribute object.</summary>
    public static JsonObject Attributes(JsonElement source, params ReadOnlySpan<string> names)
    {
        var attributes = new JsonObject();
        foreach (string name in names)
        {
            if (source.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                attributes[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        return attributes;
    }
}

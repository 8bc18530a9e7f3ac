using System.Net.Http.Headers;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.LiteLlm.Api;

/// <summary>GETs from the proxy's management API with the master key as a bearer token.</summary>
internal sealed class LiteLlmClient(ProviderHttpClient http, Uri proxy, string masterKey)
{
    public Task<JsonDocument> GetAsync(string operation, string pathAndQuery, CancellationToken cancellationToken) =>
        http.GetJsonAsync(operation, new Uri(proxy, pathAndQuery), (request, _) =>
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", masterKey);
            return ValueTask.CompletedTask;
        }, cancellationToken);

    /// <summary>
    /// The list in a reply: the reply itself when it is an array, else its <paramref name="property"/> array.
    /// Anything else is a malformed reply.
    /// </summary>
    public static JsonElement.ArrayEnumerator Items(string operation, JsonElement root, string property)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return root.EnumerateArray();
        }

        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(property, out JsonElement items) && items.ValueKind == JsonValueKind.Array)
        {
            return items.EnumerateArray();
        }

        throw new ProviderException($"LiteLLM {operation} returned neither a list nor an object with a '{property}' list.");
    }
}

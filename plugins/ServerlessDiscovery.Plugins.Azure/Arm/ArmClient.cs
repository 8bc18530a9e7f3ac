using System.Runtime.CompilerServices;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Azure.Credentials;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Azure.Arm;

/// <summary>
/// GETs ARM collections and follows their nextLink pages. Retries, Retry-After on 429 and size limits come from
/// <see cref="ProviderHttpClient"/>; a nextLink pointing away from the configured ARM host is refused, so the token
/// never leaves it.
/// </summary>
internal sealed class ArmClient(ProviderHttpClient http, ArmTokenSource tokens, Uri baseUrl)
{
    public const string SubscriptionsApiVersion = "2022-12-01";
    public const string CognitiveServicesApiVersion = "2025-06-01";
    public const string MachineLearningApiVersion = "2024-10-01";

    /// <summary>accounts/projects/applications and their agentDeployments exist from this preview on.</summary>
    public const string AgentApplicationsApiVersion = "2025-10-01-preview";

    /// <summary>Every item of the collection at <paramref name="pathAndQuery"/> (relative to the ARM base), across pages.</summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string operation, string pathAndQuery, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Uri? next = new(baseUrl, pathAndQuery);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (next is not null)
        {
            if (!seen.Add(next.AbsoluteUri))
            {
                throw new ProviderException($"Azure {operation} returned a nextLink that repeats an earlier page.");
            }

            using JsonDocument page = await GetAsync(operation, next, cancellationToken).ConfigureAwait(false);
            JsonElement root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("value", out JsonElement items) || items.ValueKind != JsonValueKind.Array)
            {
                throw new ProviderException($"Azure {operation} returned a page without a 'value' array.");
            }

            foreach (JsonElement item in items.EnumerateArray())
            {
                yield return item.Clone();
            }

            next = NextLink(operation, root);
        }
    }

    public Task<JsonDocument> GetAsync(string operation, Uri uri, CancellationToken cancellationToken = default) =>
        http.GetJsonAsync(operation, uri, async (request, ct) =>
        {
            request.Headers.Authorization = new("Bearer", await tokens.GetTokenAsync(tokens.ArmScope, ct).ConfigureAwait(false));
        }, cancellationToken);

    private Uri? NextLink(string operation, JsonElement root)
    {
        if (!root.TryGetProperty("nextLink", out JsonElement link) || link.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        string? text = link.ValueKind == JsonValueKind.String ? link.GetString() : null;
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!Uri.TryCreate(baseUrl, text, out Uri? uri) || Uri.Compare(uri, baseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
        {
            throw new ProviderException($"Azure {operation} returned a nextLink outside the configured ARM endpoint; refusing to follow it.");
        }

        return uri;
    }
}

using System.Runtime.CompilerServices;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Credentials;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Agents;

/// <summary>
/// The Foundry Agent Service data plane of a project (azure-rest-api-specs specification/ai/data-plane/Azure.AI.Agents,
/// stable 2025-05-01): {project endpoint}/assistants, paged with limit/after and answered as
/// {"data": [...], "has_more", "last_id"}. Tokens are for https://ai.azure.com, never the ARM token, and go only to
/// the project's own endpoint on *.services.ai.azure.com or to the configured endpoint base.
/// </summary>
internal sealed class FoundryAgentsClient(ProviderHttpClient http, ArmTokenSource tokens, Uri? endpointBase)
{
    public const string ApiVersion = "2025-05-01";

    /// <summary>The service caps limit at 100.</summary>
    public const int PageSize = 100;

    private const string FoundryHostSuffix = ".services.ai.azure.com";

    /// <summary>
    /// "{endpoint base}/api/projects/{project}" when a base is configured; otherwise the project's own "AI Foundry API"
    /// endpoint from ARM, when it is https on *.services.ai.azure.com. Null: the project has no data plane to read.
    /// </summary>
    public Uri? ProjectEndpoint(ArmResource project)
    {
        string name = project.Id.TrimEnd('/').Split('/')[^1];
        if (endpointBase is not null)
        {
            return new Uri(endpointBase, $"api/projects/{Uri.EscapeDataString(name)}");
        }

        JsonElement endpoints = Object(project.Properties, "endpoints");
        return Text(endpoints, "AI Foundry API") is { } text
            && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            && uri.Scheme == Uri.UriSchemeHttps
            && uri.Host.EndsWith(FoundryHostSuffix, StringComparison.OrdinalIgnoreCase)
            ? uri
            : null;
    }

    /// <summary>ListAgents (GET {endpoint}/assistants): every agent across pages, oldest first.</summary>
    public async IAsyncEnumerable<JsonElement> ListAgentsAsync(Uri projectEndpoint, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string basePath = projectEndpoint.AbsoluteUri.TrimEnd('/');
        string? after = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            string query = $"api-version={ApiVersion}&limit={PageSize}&order=asc" + (after is null ? string.Empty : $"&after={Uri.EscapeDataString(after)}");
            using JsonDocument page = await http.GetJsonAsync("ListAgents", new Uri($"{basePath}/assistants?{query}"), async (request, ct) =>
            {
                request.Headers.Authorization = new("Bearer", await tokens.GetTokenAsync(ArmTokenSource.FoundryScope, ct).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
            JsonElement root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("data", out JsonElement data) || data.ValueKind != JsonValueKind.Array)
            {
                throw new ProviderException("Azure ListAgents returned a page without a 'data' array.");
            }

            foreach (JsonElement item in data.EnumerateArray())
            {
                yield return item.Clone();
            }

            if (!(root.TryGetProperty("has_more", out JsonElement more) && more.ValueKind == JsonValueKind.True))
            {
                yield break;
            }

            // last_id is optional in the reference; a page that says there is more but names no cursor cannot be followed.
            after = Text(root, "last_id") ?? (data.GetArrayLength() > 0 ? Text(data[data.GetArrayLength() - 1], "id") : null);
            if (string.IsNullOrEmpty(after) || !seen.Add(after))
            {
                throw new ProviderException("Azure ListAgents returned has_more without a new cursor (last_id).");
            }
        }
    }
}

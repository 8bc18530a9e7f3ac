using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Databricks.Api;

/// <summary>
/// Calls the workspace REST API with a bearer token (a PAT, or an OAuth M2M token fetched from the workspace's
/// /oidc/v1/token and reused until shortly before it expires), and follows page_token / next_page_token paging.
/// </summary>
internal sealed class DatabricksClient(ProviderHttpClient http, Uri workspace, DatabricksCredentials credentials, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private string? _oauthToken;
    private DateTimeOffset _oauthExpiry;

    public Task<JsonDocument> GetAsync(string operation, string pathAndQuery, CancellationToken cancellationToken) =>
        http.GetJsonAsync(operation, new Uri(workspace, pathAndQuery), async (request, ct) =>
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(ct).ConfigureAwait(false));
        }, cancellationToken);

    /// <summary>
    /// Every item of the array <paramref name="itemsProperty"/> across pages. <paramref name="pathAndQuery"/> already
    /// holds its query (with a '?'); page_token is appended. A missing array on a page means an empty page, as the
    /// Databricks APIs omit empty lists.
    /// </summary>
    public async IAsyncEnumerable<JsonElement> ListAsync(string operation, string pathAndQuery, string itemsProperty, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? pageToken = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            string uri = pageToken is null ? pathAndQuery : $"{pathAndQuery}{(pathAndQuery.Contains('?', StringComparison.Ordinal) ? '&' : '?')}page_token={Uri.EscapeDataString(pageToken)}";
            using JsonDocument page = await GetAsync(operation, uri, cancellationToken).ConfigureAwait(false);
            JsonElement root = page.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ProviderException($"Databricks {operation} returned a page that is not a JSON object.");
            }

            if (root.TryGetProperty(itemsProperty, out JsonElement items))
            {
                if (items.ValueKind != JsonValueKind.Array)
                {
                    throw new ProviderException($"Databricks {operation} returned '{itemsProperty}' that is not an array.");
                }

                foreach (JsonElement item in items.EnumerateArray())
                {
                    yield return item.Clone();
                }
            }

            pageToken = root.TryGetProperty("next_page_token", out JsonElement next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } t ? t : null;
            if (pageToken is not null && !seen.Add(pageToken))
            {
                throw new ProviderException($"Databricks {operation} returned a next_page_token that repeats an earlier page.");
            }
        }
        while (pageToken is not null);
    }

    private async ValueTask<string> TokenAsync(CancellationToken cancellationToken)
    {
        if (credentials.Pat is { } pat)
        {
            return pat;
        }

        await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_oauthToken is null || time.GetUtcNow() >= _oauthExpiry)
            {
                (_oauthToken, TimeSpan lifetime) = await RequestOAuthTokenAsync(cancellationToken).ConfigureAwait(false);
                _oauthExpiry = time.GetUtcNow() + lifetime - TimeSpan.FromMinutes(1);
            }

            return _oauthToken;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>POST {token_endpoint} grant_type=client_credentials&amp;scope=all-apis with the client id and secret as HTTP Basic.</summary>
    private async Task<(string Token, TimeSpan Lifetime)> RequestOAuthTokenAsync(CancellationToken cancellationToken)
    {
        string basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}"));
        using JsonDocument reply = await http.SendJsonAsync("OAuthToken", _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, credentials.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", "all-apis")]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            request.Headers.Accept.ParseAdd("application/json");
            return ValueTask.FromResult(request);
        }, cancellationToken).ConfigureAwait(false);
        JsonElement root = reply.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out JsonElement token) || token.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(token.GetString()))
        {
            throw new ProviderException("Databricks OAuthToken returned no access_token.");
        }

        long seconds = root.TryGetProperty("expires_in", out JsonElement e) && e.TryGetInt64(out long s) && s > 60 ? s : 300;
        return (token.GetString()!, TimeSpan.FromSeconds(seconds));
    }

    public void Dispose() => _tokenLock.Dispose();
}

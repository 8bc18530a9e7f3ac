using Google;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Google.Credentials;

/// <summary>
/// OAuth access tokens for the cloud-platform scope via Google.Apis.Auth: a service-account key (whose token_uri it
/// honours, through the plugins' HttpClient and so the egress address policy), or Application Default Credentials,
/// the host's own identity, which only an instance that may use it gets; or a caller-supplied access token. Failures
/// become <see cref="ProviderException"/>s naming no secret.
/// </summary>
internal sealed class GoogleTokenSource : IDisposable
{
    public const string CloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string? _serviceAccountKeyJson;
    private readonly string? _staticAccessToken;
    private readonly PluginContext _context;
    private ITokenAccess? _credential;

    public GoogleTokenSource(string? serviceAccountKeyJson, string? staticAccessToken, PluginContext context)
    {
        _serviceAccountKeyJson = serviceAccountKeyJson;
        _staticAccessToken = staticAccessToken;
        _context = context;
        if (serviceAccountKeyJson is null && staticAccessToken is null)
        {
            context.RequireHostIdentity(VertexAi.VertexAiSettings.ServiceAccountKey, "Google Application Default Credentials");
        }
    }

    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (_staticAccessToken is not null)
        {
            return _staticAccessToken;
        }

        ITokenAccess credential = await CredentialAsync(cancellationToken);
        try
        {
            // The credential caches the token and refreshes it shortly before it expires.
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is TokenResponseException or HttpRequestException or InvalidOperationException or GoogleApiException && !cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException($"Google access token could not be obtained ({ex.GetType().Name}: {(ex as TokenResponseException)?.Error?.Error ?? ex.Message})", null, (ex as TokenResponseException)?.Error?.Error, ex);
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<ITokenAccess> CredentialAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_credential is null)
            {
                GoogleCredential credential;
                try
                {
                    credential = _serviceAccountKeyJson is not null
                        ? CredentialFactory.FromJson<ServiceAccountCredential>(_serviceAccountKeyJson).ToGoogleCredential().CreateWithHttpClientFactory(new PluginHttpClientFactory(_context))
                        : await GoogleCredential.GetApplicationDefaultAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or System.Text.Json.JsonException or Newtonsoft.Json.JsonException)
                {
                    // Messages about a malformed key describe its structure, never its content.
                    throw new ProviderException($"Google credentials could not be loaded ({ex.GetType().Name}).", null, null, ex);
                }

                _credential = credential.CreateScoped(CloudPlatformScope);
            }

            return _credential;
        }
        finally
        {
            _gate.Release();
        }
    }
}

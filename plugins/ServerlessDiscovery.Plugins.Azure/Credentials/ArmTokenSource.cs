using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Azure.Credentials;

/// <summary>
/// Bearer tokens for ARM and for the Foundry data plane (audience https://ai.azure.com): fixed tokens when configured,
/// otherwise an Azure.Identity credential (which caches its tokens per scope). The caller names the scope per call.
/// A client secret's token requests go through the plugins' HttpClient, so a configured authority host passes the
/// egress address policy; the host's own identity (DefaultAzureCredential, managed identity) is used only when the
/// instance may (<see cref="PluginContext.MayUseHostIdentity"/>).
/// </summary>
internal abstract class ArmTokenSource
{
    /// <summary>The Foundry project data plane (Agent Service) accepts tokens for this audience only.</summary>
    public const string FoundryScope = "https://ai.azure.com/.default";

    protected ArmTokenSource(string armScope) => ArmScope = armScope;

    /// <summary>The scope of ARM tokens: "{arm base}/.default".</summary>
    public string ArmScope { get; }

    public abstract ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken);

    public static string ScopeOf(Uri armBaseUrl) => new Uri(armBaseUrl, "/.default").ToString();

    public static ArmTokenSource Create(PluginConfiguration configuration, Uri armBaseUrl, PluginContext context)
    {
        string armScope = ScopeOf(armBaseUrl);
        if (configuration.GetString(ConfigKeys.BearerToken) is { } token)
        {
            return new Fixed(armScope, token, configuration.GetString(ConfigKeys.AgentsBearerToken));
        }

        Uri? authority = configuration.GetUrl(ConfigKeys.AuthorityHost);
        string? clientId = configuration.GetString(ConfigKeys.ClientId);
        if (configuration.GetString(ConfigKeys.ClientSecret) is { } secret)
        {
            return new FromCredential(armScope, new ClientSecretCredential(
                configuration.GetRequiredString(ConfigKeys.TenantId),
                clientId,
                secret,
                new ClientSecretCredentialOptions
                {
                    AuthorityHost = authority ?? AzureAuthorityHosts.AzurePublicCloud,
                    Transport = new HttpClientTransport(context.CreateHttpClient()),
                }));
        }

        context.RequireHostIdentity(ConfigKeys.ClientSecret, "DefaultAzureCredential: the app's managed identity or environment");
        return new FromCredential(armScope, new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            AuthorityHost = authority ?? AzureAuthorityHosts.AzurePublicCloud,
            ManagedIdentityClientId = clientId,
            TenantId = configuration.GetString(ConfigKeys.TenantId),
        }));
    }

    /// <summary>A ready ARM token, and optionally a ready data-plane token: a fixed token has one audience, so the other is never guessed.</summary>
    private sealed class Fixed(string armScope, string armToken, string? foundryToken) : ArmTokenSource(armScope)
    {
        public override ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken) =>
            scope == ArmScope ? ValueTask.FromResult(armToken)
            : scope == FoundryScope && foundryToken is not null ? ValueTask.FromResult(foundryToken)
            : throw new ScopeUnavailableException($"No token for {scope}: bearer_token is an ARM token; set {ConfigKeys.AgentsBearerToken} for the Foundry data plane.");
    }

    private sealed class FromCredential(string armScope, TokenCredential credential) : ArmTokenSource(armScope)
    {
        public override async ValueTask<string> GetTokenAsync(string scope, CancellationToken cancellationToken)
        {
            try
            {
                AccessToken token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
                return token.Token;
            }
            catch (AuthenticationFailedException ex)
            {
                // Azure.Identity's messages name the credential and the tenant, never the secret.
                throw new ProviderException($"Azure credential could not get a token for {scope}: {FirstLine(ex.Message)}", null, "AuthenticationFailed", ex);
            }
        }

        private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
    }
}

using Azure.Core;
using Azure.Identity;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Azure.Credentials;

/// <summary>Bearer tokens for ARM: a fixed token when configured, otherwise an Azure.Identity credential (which caches its tokens).</summary>
internal abstract class ArmTokenSource
{
    public abstract ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    public static ArmTokenSource Create(PluginConfiguration configuration, Uri armBaseUrl)
    {
        if (configuration.GetString(ConfigKeys.BearerToken) is { } token)
        {
            return new Fixed(token);
        }

        Uri? authority = configuration.GetUrl(ConfigKeys.AuthorityHost);
        string? clientId = configuration.GetString(ConfigKeys.ClientId);
        TokenCredential credential = configuration.GetString(ConfigKeys.ClientSecret) is { } secret
            ? new ClientSecretCredential(
                configuration.GetRequiredString(ConfigKeys.TenantId),
                clientId,
                secret,
                new ClientSecretCredentialOptions { AuthorityHost = authority ?? AzureAuthorityHosts.AzurePublicCloud })
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                AuthorityHost = authority ?? AzureAuthorityHosts.AzurePublicCloud,
                ManagedIdentityClientId = clientId,
                TenantId = configuration.GetString(ConfigKeys.TenantId),
            });
        return new FromCredential(credential, new Uri(armBaseUrl, "/.default").ToString());
    }

    private sealed class Fixed(string token) : ArmTokenSource
    {
        public override ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
    }

    private sealed class FromCredential(TokenCredential credential, string scope) : ArmTokenSource
    {
        public override async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
        {
            try
            {
                AccessToken token = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken).ConfigureAwait(false);
                return token.Token;
            }
            catch (AuthenticationFailedException ex)
            {
                // Azure.Identity's messages name the credential and the tenant, never the secret.
                throw new ProviderException($"Azure credential could not get an ARM token: {FirstLine(ex.Message)}", null, "AuthenticationFailed", ex);
            }
        }

        private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
    }
}

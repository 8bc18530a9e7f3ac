using Amazon.Runtime;

namespace ServerlessDiscovery.Plugins.Aws.Credentials;

/// <summary>
/// Gives AWSSDK.Core's clients (STS AssumeRole) the plugins' HttpClient, so the configured sts_endpoint is reached
/// through the egress address policy like every other provider URL, not through the SDK's own unguarded client.
/// </summary>
internal sealed class PluginHttpClientFactory(PluginContext context) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => context.CreateHttpClient();

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
}

using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Security;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>A subscription's headers and secret are sealed with the app's key (<see cref="SecretProtector"/>), bound to tenant, instance and URL key.</summary>
internal sealed class WebhookSecrets(SecretProtector protector) : IWebhookSecrets
{
    public string Seal(string plaintext, string tenant, string instanceId, string key) => protector.Protect(plaintext, Context(tenant, instanceId, key));

    public string Unseal(string sealedText, string tenant, string instanceId, string key) => protector.Unprotect(sealedText, Context(tenant, instanceId, key));

    private static string Context(string tenant, string instanceId, string key) => $"webhook:{tenant}/{instanceId}/{key}";
}

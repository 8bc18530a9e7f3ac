namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>
/// Seals a subscription's headers and signing secret at rest, bound to its tenant, instance and key, so a sealed value
/// cannot be moved to another subscription. The core decides how; a store only calls it.
/// </summary>
public interface IWebhookSecrets
{
    string Seal(string plaintext, string tenant, string instanceId, string key);

    /// <summary>Opens what <see cref="Seal"/> produced for the same subscription; throws <see cref="System.Security.Cryptography.CryptographicException"/> when it cannot.</summary>
    string Unseal(string sealedText, string tenant, string instanceId, string key);
}

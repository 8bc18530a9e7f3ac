namespace ServerlessDiscovery.Domain.Instances;

/// <summary>
/// Which config fields of an instance are secret, and how they are sealed at rest (bound to the tenant and instance,
/// so a sealed value cannot be moved to another instance). The core decides; a store only calls it.
/// </summary>
public interface IInstanceSecrets
{
    /// <summary>Whether <paramref name="field"/> of a <paramref name="pluginType"/> instance is secret.</summary>
    bool IsSecret(string pluginType, string field);

    /// <summary>Encrypts <paramref name="plaintext"/> for the instance <paramref name="tenant"/>/<paramref name="id"/>.</summary>
    string Seal(string plaintext, string tenant, string id);

    /// <summary>
    /// Decrypts what <see cref="Seal"/> produced for the same instance; throws
    /// <see cref="System.Security.Cryptography.CryptographicException"/> or <see cref="FormatException"/> when it cannot
    /// (another key, another instance, a damaged value).
    /// </summary>
    string Unseal(string sealedText, string tenant, string id);
}

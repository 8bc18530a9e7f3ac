using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Security;

namespace ServerlessDiscovery.Engine.Instances;

/// <summary>
/// The secret fields are those the plugin type's metadata flags secret; they are sealed with the app's key
/// (<see cref="SecretProtector"/>, AES-GCM bound to tenant and instance).
/// </summary>
internal sealed class InstanceSecrets(SecretProtector protector, PluginCatalog catalog) : IInstanceSecrets
{
    public bool IsSecret(string pluginType, string field) =>
        catalog.Find(pluginType)?.Metadata.ConfigFields.Any(f => f.Name == field && f.Secret) ?? false;

    public string Seal(string plaintext, string tenant, string id) => protector.Protect(plaintext, Context(tenant, id));

    public string Unseal(string sealedText, string tenant, string id) => protector.Unprotect(sealedText, Context(tenant, id));

    private static string Context(string tenant, string id) => tenant + "/" + id;
}

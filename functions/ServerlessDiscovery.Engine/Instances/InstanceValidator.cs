using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Engine.Instances;

/// <summary>Validates a stored instance's configuration against its plugin type before a scan or a verify uses it.</summary>
public sealed class InstanceValidator(PluginCatalog catalog)
{
    /// <summary>The instance's configuration validated against its type, or the errors.</summary>
    public (PluginConfiguration? Configuration, IReadOnlyList<ConfigError> Errors) Validate(PluginInstance instance)
    {
        if (instance.SecretsUnreadable)
        {
            return (null, [new ConfigError("config", "the stored secrets cannot be decrypted with the current Secrets__EncryptionKey (was the key changed?); set the instance's secret fields again.")]);
        }

        IPluginType? type = catalog.Find(instance.PluginType);
        return type is null
            ? (null, [new ConfigError("plugin_type", $"'{instance.PluginType}' is not a known plugin type.")])
            : PluginConfiguration.Validate(type, instance.Config);
    }
}

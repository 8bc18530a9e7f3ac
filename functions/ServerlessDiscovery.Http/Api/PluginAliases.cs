using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// The other names a plugin type declares for itself and its configuration (<see cref="PluginMetadata.TypeAliases"/>,
/// <see cref="PluginMetadata.ConfigAliases"/>), applied where the API reads a plugin type or a configuration, so
/// OpenCITE's request bodies are accepted as they are. Stored instances always carry the type's own names.
/// </summary>
internal static class PluginAliases
{
    /// <summary>The type with this id, or the one that declares it as an alias.</summary>
    public static IPluginType? FindType(PluginCatalog catalog, string id) =>
        catalog.Find(id) ?? catalog.Types.FirstOrDefault(t => t.Metadata.TypeAliases.Contains(id, StringComparer.Ordinal));

    /// <summary>
    /// The configuration with aliased names renamed to the type's own fields and ignored aliases left out. A name that
    /// is a field of the type is always the field; an alias given together with its field is refused, as the two
    /// could disagree.
    /// </summary>
    public static JsonObject Apply(PluginMetadata metadata, JsonObject raw, List<(string Field, string Message)> errors)
    {
        var translated = new JsonObject();
        foreach ((string name, JsonNode? value) in raw)
        {
            ConfigAlias? alias = metadata.ConfigFields.Any(f => f.Name == name) ? null : metadata.ConfigAliases.FirstOrDefault(a => a.Name == name);
            if (alias is null)
            {
                translated[name] = value?.DeepClone();
            }
            else if (alias.Field is not null && raw.ContainsKey(alias.Field))
            {
                errors.Add(($"config.{name}", $"is another name for {alias.Field}, which is given too; send one of them."));
            }
            else if (alias.Field is not null)
            {
                translated[alias.Field] = value?.DeepClone();
            }
        }

        return translated;
    }
}

using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace Contoso.Gateway;

/// <summary>
/// The models an OpenAI-compatible gateway serves, read with its "List models" operation (GET {base_url}/v1/models,
/// OpenAI API reference), one scope per project.
/// </summary>
public sealed class GatewayPluginType : IPluginType
{
    /// <summary>The type id instances name in plugin_type.</summary>
    public const string TypeId = "contoso.gateway";

    public PluginMetadata Metadata { get; } = new(
        TypeId: TypeId,
        Name: "Contoso.Gateway",
        Description: "Models served by an OpenAI-compatible gateway (GET /v1/models), per project.",
        Version: "0.1.0",
        AssetTypes: [AssetTypes.Model],
        ConfigFields:
        [
            new ConfigField("base_url", "Base URL", ConfigFieldType.Url, Required: true, Description: "The gateway's address, e.g. https://gateway.contoso.example/."),
            new ConfigField("api_key", "API key", ConfigFieldType.String, Required: true, Secret: true, Description: "Sent as a bearer token."),
            new ConfigField("projects", "Projects", ConfigFieldType.StringList, Description: "Projects to list (OpenAI-Project header); none: the key's default project."),
        ],
        EnvironmentVariables: []);

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration) =>
        configuration.GetList("projects").Any(string.IsNullOrWhiteSpace) ? [new ConfigError("projects", "must not hold an empty project id.")] : [];

    public IPlugin Create(PluginConfiguration configuration, PluginContext context) =>
        new GatewayPlugin(configuration.GetUrl("base_url")!, configuration.GetRequiredString("api_key"), configuration.GetList("projects"), context);
}

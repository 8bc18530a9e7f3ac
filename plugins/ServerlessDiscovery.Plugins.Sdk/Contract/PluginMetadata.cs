using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins;

/// <summary>What /api/v1/plugin-types shows of a plugin type.</summary>
/// <param name="TypeId">Stable id used in instances, e.g. "aws.sagemaker": lower case, letters, digits, '.', '_' and '-'.</param>
/// <param name="Name">Human name, e.g. "AWS SageMaker".</param>
/// <param name="Description">One or two sentences on what it discovers.</param>
/// <param name="Version">The plugin's semantic version.</param>
/// <param name="AssetTypes">The asset types it can produce.</param>
/// <param name="ConfigFields">Its configuration fields, in display order.</param>
/// <param name="EnvironmentVariables">Environment variables it reads (credential chains), for documentation.</param>
public sealed record PluginMetadata(
    string TypeId,
    string Name,
    string Description,
    string Version,
    IReadOnlyList<string> AssetTypes,
    IReadOnlyList<ConfigField> ConfigFields,
    IReadOnlyList<string> EnvironmentVariables)
{
    /// <summary>Other ids this type answers to when an instance is created, e.g. OpenCITE's "aws_bedrock". Instances keep <see cref="TypeId"/>.</summary>
    public IReadOnlyList<string> TypeAliases { get; init; } = [];

    /// <summary>Configuration names from other tools the API accepts for this type's fields (or accepts and ignores).</summary>
    public IReadOnlyList<ConfigAlias> ConfigAliases { get; init; } = [];
}

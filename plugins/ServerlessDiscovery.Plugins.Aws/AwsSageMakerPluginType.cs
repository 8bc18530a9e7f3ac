using ServerlessDiscovery.Plugins.Aws.Configuration;
using ServerlessDiscovery.Plugins.Aws.SageMaker;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Aws;

/// <summary>Amazon SageMaker: models, endpoints, model package groups and packages, inference components.</summary>
public sealed class AwsSageMakerPluginType : IPluginType
{
    private static readonly string[] EndpointFields = [SageMakerDiscovery.EndpointField];

    public PluginMetadata Metadata { get; } = new(
        TypeId: "aws.sagemaker",
        Name: "Amazon SageMaker",
        Description: "SageMaker models, real-time endpoints and the models they serve, model registry groups and versions, and inference components, per account and region.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.Model, AssetTypes.Endpoint, AssetTypes.Deployment],
        ConfigFields:
        [
            .. AwsSettings.CommonFields,
            new ConfigField(SageMakerDiscovery.EndpointField, "SageMaker endpoint", ConfigFieldType.String, Default: SageMakerDiscovery.DefaultEndpoint, Description: "SageMaker API base URL; {region} is replaced per region (private endpoints, tests)."),
        ],
        EnvironmentVariables: AwsEnvironment.Variables)
    {
        TypeAliases = ["aws_sagemaker"],
        ConfigAliases = AwsSettings.CommonAliases,
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration) => AwsSettings.Validate(configuration, EndpointFields);

    public IPlugin Create(PluginConfiguration configuration, PluginContext context)
    {
        AwsSettings settings = AwsSettings.From(configuration, EndpointFields);
        return new AwsPlugin(settings, context, api =>
            [new SageMakerDiscovery(api, SageMakerDiscovery.CreateService(settings.EndpointTemplates[SageMakerDiscovery.EndpointField]))]);
    }
}

using ServerlessDiscovery.Plugins.Aws.AgentCore;
using ServerlessDiscovery.Plugins.Aws.Bedrock;
using ServerlessDiscovery.Plugins.Aws.Configuration;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Aws;

/// <summary>Amazon Bedrock and Agents for Amazon Bedrock.</summary>
public sealed class AwsBedrockPluginType : IPluginType
{
    private static readonly string[] EndpointFields = [BedrockDiscovery.EndpointField, BedrockAgentDiscovery.EndpointField, AgentCoreDiscovery.EndpointField];

    public PluginMetadata Metadata { get; } = new(
        TypeId: "aws.bedrock",
        Name: "Amazon Bedrock",
        Description: "Bedrock custom and imported models (and the foundation models they use), provisioned throughputs, inference profiles and guardrails; Bedrock agents with their aliases, models, action groups, knowledge bases and collaborators; Bedrock AgentCore runtimes, gateways and memories, per account and region.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.GenerativeModel, AssetTypes.Deployment, AssetTypes.Endpoint, AssetTypes.Function, AssetTypes.Agent, AssetTypes.Tool, AssetTypes.DownstreamSystem, AssetTypes.McpServer],
        ConfigFields:
        [
            .. AwsSettings.CommonFields,
            new ConfigField(BedrockDiscovery.EndpointField, "Bedrock endpoint", ConfigFieldType.String, Default: BedrockDiscovery.DefaultEndpoint, Description: "Bedrock control-plane base URL; {region} is replaced per region."),
            new ConfigField(BedrockDiscovery.CatalogueField, "Include the foundation-model catalogue", ConfigFieldType.Boolean, Default: "false", Description: "Report every foundation model Bedrock offers in each region, not only those the account's custom models, provisioned throughputs and application inference profiles use."),
            new ConfigField(BedrockAgentDiscovery.EndpointField, "Bedrock Agents endpoint", ConfigFieldType.String, Default: BedrockAgentDiscovery.DefaultEndpoint, Description: "Agents for Amazon Bedrock base URL; {region} is replaced per region."),
            new ConfigField(AgentCoreDiscovery.EndpointField, "Bedrock AgentCore control endpoint", ConfigFieldType.String, Default: AgentCoreDiscovery.DefaultEndpoint, Description: "Bedrock AgentCore control-plane base URL; {region} is replaced per region."),
        ],
        EnvironmentVariables: AwsEnvironment.Variables)
    {
        TypeAliases = ["aws_bedrock"],
        ConfigAliases = AwsSettings.CommonAliases,
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration) => AwsSettings.Validate(configuration, EndpointFields);

    public IPlugin Create(PluginConfiguration configuration, PluginContext context)
    {
        AwsSettings settings = AwsSettings.From(configuration, EndpointFields);
        return new AwsPlugin(settings, context, api =>
        [
            new BedrockDiscovery(api, BedrockDiscovery.CreateService(settings.EndpointTemplates[BedrockDiscovery.EndpointField]), configuration.GetBoolean(BedrockDiscovery.CatalogueField) ?? false),
            new BedrockAgentDiscovery(api, BedrockAgentDiscovery.CreateService(settings.EndpointTemplates[BedrockAgentDiscovery.EndpointField])),
            new AgentCoreDiscovery(api, AgentCoreDiscovery.CreateService(settings.EndpointTemplates[AgentCoreDiscovery.EndpointField])),
        ]);
    }
}

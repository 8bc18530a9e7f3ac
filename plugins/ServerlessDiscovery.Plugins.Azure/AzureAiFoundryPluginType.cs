using ServerlessDiscovery.Plugins.Azure.Credentials;
using ServerlessDiscovery.Plugins.Azure.Discovery;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Azure;

/// <summary>
/// Azure AI Foundry / Azure OpenAI: Cognitive Services accounts (OpenAI, AIServices), their model deployments and
/// Foundry projects with their agents and content filter policies, and Azure Machine Learning workspaces with their online and
/// serverless endpoints, read from ARM and from each Foundry project's data plane.
/// </summary>
public sealed class AzureAiFoundryPluginType : IPluginType
{
    public const string DefaultArmBaseUrl = "https://management.azure.com/";

    public PluginMetadata Metadata { get; } = new(
        TypeId: "azure.ai_foundry",
        Name: "Azure AI Foundry",
        Description: "Azure OpenAI and AI Services accounts, their model deployments, Foundry projects with their connections, agent applications, agent deployments and data-plane agents (with the models and tools each uses), content filter (RAI) policies as guardrails, and Azure Machine Learning online and serverless endpoints, read from Azure Resource Manager and the Foundry project data plane.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.Endpoint, AssetTypes.Deployment, AssetTypes.Model, AssetTypes.Agent, AssetTypes.DownstreamSystem, AssetTypes.McpServer, AssetTypes.Tool, AssetTypes.Function],
        ConfigFields:
        [
            new ConfigField(ConfigKeys.SubscriptionIds, "Subscription ids", ConfigFieldType.StringList, Description: "Subscriptions to scan; empty scans every subscription the identity can see."),
            new ConfigField(ConfigKeys.TenantId, "Tenant id", ConfigFieldType.String, Description: "Microsoft Entra tenant of the service principal (with client_secret)."),
            new ConfigField(ConfigKeys.ClientId, "Client id", ConfigFieldType.String, Description: "Service principal application id (with client_secret), or the client id of a user-assigned managed identity."),
            new ConfigField(ConfigKeys.ClientSecret, "Client secret", ConfigFieldType.String, Secret: true, Description: "Service principal secret; without it DefaultAzureCredential is used."),
            new ConfigField(ConfigKeys.BearerToken, "Bearer token", ConfigFieldType.String, Secret: true, Description: "A ready ARM access token used as is instead of a credential (tests, short-lived delegation)."),
            new ConfigField(ConfigKeys.AgentsBearerToken, "Agents bearer token", ConfigFieldType.String, Secret: true, Description: "With bearer_token: a ready token for https://ai.azure.com used for the projects' data-plane agents; without it those scopes are unavailable."),
            new ConfigField(ConfigKeys.ArmBaseUrl, "ARM base URL", ConfigFieldType.Url, Default: DefaultArmBaseUrl, Description: "Resource Manager endpoint (sovereign clouds, private link, tests)."),
            new ConfigField(ConfigKeys.AuthorityHost, "Authority host", ConfigFieldType.Url, Description: "Microsoft Entra authority host for sovereign clouds, e.g. https://login.microsoftonline.us/ (https only)."),
            new ConfigField(ConfigKeys.AgentsEndpointBase, "Agents endpoint base", ConfigFieldType.Url, Description: "Data-plane base for Foundry projects: {base}/api/projects/{project}. Empty: each project's own 'AI Foundry API' endpoint on *.services.ai.azure.com."),
            new ConfigField(ConfigKeys.IncludeProjectAgents, "Include project agents", ConfigFieldType.Boolean, Default: "true", Description: "Read each Foundry project's agents from its data plane (needs a data-plane role, e.g. Azure AI User)."),
            new ConfigField(ConfigKeys.IncludeMachineLearning, "Include Azure Machine Learning", ConfigFieldType.Boolean, Default: "true", Description: "Also scan Microsoft.MachineLearningServices workspaces, their online and serverless endpoints."),
            new ConfigField(ConfigKeys.RequestsPerSecond, "Requests per second", ConfigFieldType.Integer, Default: "0", Description: "Pace ARM calls (0: no pacing beyond ARM's own throttling)."),
        ],
        EnvironmentVariables: ["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_ENDPOINT"])
    {
        TypeAliases = ["azure_ai_foundry"],
        ConfigAliases =
        [
            new ConfigAlias("subscription_id", ConfigKeys.SubscriptionIds, "OpenCITE's single subscription; a comma-separated list names several."),
            new ConfigAlias("lookback_hours", null, "Ignored: OpenCITE's history window for Log Analytics traces; this plugin inventories the estate as it is, and traces arrive over OTLP."),
        ],
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration)
    {
        bool secret = configuration.Has(ConfigKeys.ClientSecret);
        if (secret && !configuration.Has(ConfigKeys.ClientId))
        {
            yield return new ConfigError(ConfigKeys.ClientId, "is required with client_secret.");
        }

        if (secret && !configuration.Has(ConfigKeys.TenantId))
        {
            yield return new ConfigError(ConfigKeys.TenantId, "is required with client_secret.");
        }

        if (secret && configuration.Has(ConfigKeys.BearerToken))
        {
            yield return new ConfigError(ConfigKeys.BearerToken, "cannot be combined with client_secret; set one of them.");
        }

        if (configuration.Has(ConfigKeys.AgentsBearerToken) && !configuration.Has(ConfigKeys.BearerToken))
        {
            yield return new ConfigError(ConfigKeys.AgentsBearerToken, "is used only with bearer_token; a credential gets data-plane tokens itself.");
        }

        if (configuration.GetUrl(ConfigKeys.AuthorityHost) is { } authority && authority.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ConfigError(ConfigKeys.AuthorityHost, "must be an https URL.");
        }

        if (configuration.GetInteger(ConfigKeys.RequestsPerSecond) is < 0)
        {
            yield return new ConfigError(ConfigKeys.RequestsPerSecond, "must be zero or more.");
        }
    }

    public IPlugin Create(PluginConfiguration configuration, PluginContext context)
    {
        Uri arm = configuration.GetUrl(ConfigKeys.ArmBaseUrl) ?? new Uri(DefaultArmBaseUrl);
        return new AzureAiFoundryPlugin(
            ArmTokenSource.Create(configuration, arm, context),
            new AzureScanOptions(
                arm,
                configuration.GetList(ConfigKeys.SubscriptionIds),
                configuration.GetBoolean(ConfigKeys.IncludeMachineLearning) ?? true,
                configuration.GetBoolean(ConfigKeys.IncludeProjectAgents) ?? true,
                configuration.GetUrl(ConfigKeys.AgentsEndpointBase)),
            context,
            configuration.GetInteger(ConfigKeys.RequestsPerSecond) ?? 0);
    }
}

/// <summary>The names of the configuration fields.</summary>
internal static class ConfigKeys
{
    public const string SubscriptionIds = "subscription_ids";
    public const string TenantId = "tenant_id";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string BearerToken = "bearer_token";
    public const string AgentsBearerToken = "agents_bearer_token";
    public const string ArmBaseUrl = "arm_base_url";
    public const string AgentsEndpointBase = "agents_endpoint_base";
    public const string IncludeProjectAgents = "include_project_agents";
    public const string AuthorityHost = "authority_host";
    public const string IncludeMachineLearning = "include_machine_learning";
    public const string RequestsPerSecond = "requests_per_second";
}

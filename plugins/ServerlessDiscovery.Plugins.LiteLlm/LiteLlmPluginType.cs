using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.LiteLlm.Discovery;

namespace ServerlessDiscovery.Plugins.LiteLlm;

/// <summary>LiteLLM proxy: model aliases and the models behind them, registered MCP servers and tools, teams and keys, agents, guardrails and vector stores.</summary>
public sealed class LiteLlmPluginType : IPluginType
{
    private const int MaxKeyPageSize = 100;

    public PluginMetadata Metadata { get; } = new(
        TypeId: "litellm",
        Name: "LiteLLM proxy",
        Description: "Model aliases of a LiteLLM proxy and the provider models behind them, its MCP servers and their tools, its teams and virtual keys as owners, its registered agents, guardrails and vector stores.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.Deployment, AssetTypes.Model, AssetTypes.McpServer, AssetTypes.McpTool, AssetTypes.Principal, AssetTypes.Agent, AssetTypes.Function, AssetTypes.DownstreamSystem],
        ConfigFields:
        [
            new ConfigField(ConfigKeys.ProxyUrl, "Proxy URL", ConfigFieldType.Url, Required: true, Description: "Base URL of the proxy, e.g. https://litellm.example.com/"),
            new ConfigField(ConfigKeys.MasterKey, "Master key", ConfigFieldType.String, Required: true, Secret: true, Description: "The proxy's master key, or an admin / read-only admin virtual key."),
            new ConfigField(ConfigKeys.IncludeMcp, "Include MCP servers", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.IncludeTeams, "Include teams", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.IncludeKeys, "Include virtual keys", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.IncludeAgents, "Include agents", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.IncludeGuardrails, "Include guardrails", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.IncludeVectorStores, "Include vector stores", ConfigFieldType.Boolean, Default: "true"),
            new ConfigField(ConfigKeys.PageSize, "Page size", ConfigFieldType.Integer, Default: "100", Description: "size sent to /key/list and page_size to /vector_store/list (1-100: /key/list refuses larger pages with 422)."),
            new ConfigField(ConfigKeys.RequestsPerSecond, "Requests per second", ConfigFieldType.Integer, Default: "0", Description: "Pace calls to the proxy (0: no pacing beyond 429 handling)."),
        ],
        EnvironmentVariables: [])
    {
        ConfigAliases =
        [
            new ConfigAlias("base_url", ConfigKeys.ProxyUrl, "OpenCITE's LiteLLM proxy URL."),
            new ConfigAlias("api_key", ConfigKeys.MasterKey, "OpenCITE's LiteLLM key (it must be allowed to read the admin endpoints)."),
            new ConfigAlias("poll_interval", null, "Ignored: scans run on the instance's schedule."),
        ],
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration)
    {
        // LiteLLM's list_keys declares size: Query(10, ge=1, le=100) and answers 422 above 100.
        if (configuration.GetInteger(ConfigKeys.PageSize) is < 1 or > MaxKeyPageSize)
        {
            yield return new ConfigError(ConfigKeys.PageSize, $"must be between 1 and {MaxKeyPageSize} (LiteLLM's /key/list limit).");
        }

        if (configuration.GetInteger(ConfigKeys.RequestsPerSecond) is < 0)
        {
            yield return new ConfigError(ConfigKeys.RequestsPerSecond, "must be zero or more.");
        }
    }

    public IPlugin Create(PluginConfiguration configuration, PluginContext context)
    {
        Uri proxy = configuration.GetUrl(ConfigKeys.ProxyUrl)!;
        proxy = proxy.AbsoluteUri.EndsWith('/') ? proxy : new Uri(proxy.AbsoluteUri + "/");
        var options = new LiteLlmScanOptions(
            configuration.GetBoolean(ConfigKeys.IncludeMcp) ?? true,
            configuration.GetBoolean(ConfigKeys.IncludeTeams) ?? true,
            configuration.GetBoolean(ConfigKeys.IncludeKeys) ?? true,
            (int)(configuration.GetInteger(ConfigKeys.PageSize) ?? 100),
            configuration.GetBoolean(ConfigKeys.IncludeAgents) ?? true,
            configuration.GetBoolean(ConfigKeys.IncludeGuardrails) ?? true,
            configuration.GetBoolean(ConfigKeys.IncludeVectorStores) ?? true);
        return new LiteLlmPlugin(proxy, configuration.GetRequiredString(ConfigKeys.MasterKey), options, context, configuration.GetInteger(ConfigKeys.RequestsPerSecond) ?? 0);
    }
}

internal static class ConfigKeys
{
    public const string ProxyUrl = "proxy_url";
    public const string MasterKey = "master_key";
    public const string IncludeMcp = "include_mcp";
    public const string IncludeTeams = "include_teams";
    public const string IncludeKeys = "include_keys";
    public const string IncludeAgents = "include_agents";
    public const string IncludeGuardrails = "include_guardrails";
    public const string IncludeVectorStores = "include_vector_stores";
    public const string PageSize = "page_size";
    public const string RequestsPerSecond = "requests_per_second";
}

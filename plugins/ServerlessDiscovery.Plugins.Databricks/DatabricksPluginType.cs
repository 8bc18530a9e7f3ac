using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Databricks.Api;
using ServerlessDiscovery.Plugins.Databricks.Discovery;

namespace ServerlessDiscovery.Plugins.Databricks;

/// <summary>
/// Databricks workspace: model serving endpoints and their served entities, Unity Catalog models and versions,
/// workspace MLflow registered models, Genie spaces, Databricks Apps, and Vector Search endpoints and indexes.
/// </summary>
public sealed class DatabricksPluginType : IPluginType
{
    public PluginMetadata Metadata { get; } = new(
        TypeId: "databricks",
        Name: "Databricks",
        Description: "Model serving endpoints (foundation, external and custom models, agents, AI Gateway settings), Unity Catalog and MLflow registered models, Genie spaces, Databricks Apps, Unity Catalog connections and functions (tools), Agent Bricks knowledge assistants and supervisor agents, and Vector Search indexes of one Databricks workspace.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.Endpoint, AssetTypes.Deployment, AssetTypes.Model, AssetTypes.Agent, AssetTypes.DownstreamSystem, AssetTypes.Tool],
        ConfigFields:
        [
            new ConfigField(ConfigKeys.WorkspaceUrl, "Workspace URL", ConfigFieldType.Url, Required: true, Description: "e.g. https://adb-1234567890123456.7.azuredatabricks.net/"),
            new ConfigField(ConfigKeys.Token, "Personal access token", ConfigFieldType.String, Secret: true, Description: "A PAT; or use client_id and client_secret (OAuth M2M)."),
            new ConfigField(ConfigKeys.ClientId, "OAuth client id", ConfigFieldType.String, Description: "Service principal application id for OAuth machine-to-machine."),
            new ConfigField(ConfigKeys.ClientSecret, "OAuth client secret", ConfigFieldType.String, Secret: true),
            new ConfigField(ConfigKeys.TokenEndpoint, "OAuth token endpoint", ConfigFieldType.Url, Description: "OAuth M2M token URL; defaults to {workspace_url}/oidc/v1/token."),
            new ConfigField(ConfigKeys.Apis, "API families", ConfigFieldType.StringList, Default: string.Join(',', ApiFamilies.All), Description: "Which to scan: serving, unity_catalog, mlflow, genie, vector_search, apps, connections, functions, knowledge_assistants, supervisor_agents."),
            new ConfigField(ConfigKeys.PageSize, "Page size", ConfigFieldType.Integer, Default: "100", Description: "max_results / page_size sent on paged list calls."),
            new ConfigField(ConfigKeys.FunctionCatalogs, "Catalogs searched for functions", ConfigFieldType.Integer, Default: "100", Description: "At most this many Unity Catalog catalogs are searched for functions; past it the functions scope is incomplete."),
            new ConfigField(ConfigKeys.FunctionSchemas, "Schemas searched for functions", ConfigFieldType.Integer, Default: "1000", Description: "At most this many schemas (over all catalogs) are searched for functions; past it the functions scope is incomplete."),
            new ConfigField(ConfigKeys.RequestsPerSecond, "Requests per second", ConfigFieldType.Integer, Default: "0", Description: "Pace calls to the workspace (0: no pacing beyond 429 handling)."),
        ],
        EnvironmentVariables: [])
    {
        ConfigAliases =
        [
            new ConfigAlias("host", ConfigKeys.WorkspaceUrl, "OpenCITE's workspace URL."),
            new ConfigAlias("warehouse_id", null, "Ignored: this plugin reads the workspace's REST APIs and runs no SQL, so it needs no warehouse."),
            new ConfigAlias("lookback_days", null, "Ignored: OpenCITE's history window for MLflow traces; traces arrive over OTLP here."),
            new ConfigAlias("ai_gateway_usage_table", null, "Ignored: AI Gateway usage tables are not read; usage comes from OTLP traces."),
            new ConfigAlias("gateway_poll_interval", null, "Ignored: scans run on the instance's schedule."),
        ],
    };

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration)
    {
        bool pat = configuration.Has(ConfigKeys.Token);
        bool id = configuration.Has(ConfigKeys.ClientId);
        bool secret = configuration.Has(ConfigKeys.ClientSecret);
        if (pat && (id || secret))
        {
            yield return new ConfigError(ConfigKeys.Token, "cannot be combined with client_id / client_secret; choose one way to authenticate.");
        }
        else if (!pat && !id && !secret)
        {
            yield return new ConfigError(ConfigKeys.Token, "or client_id and client_secret are required.");
        }
        else if (!pat && id != secret)
        {
            yield return new ConfigError(id ? ConfigKeys.ClientSecret : ConfigKeys.ClientId, "is required for OAuth machine-to-machine.");
        }

        foreach (string api in configuration.GetList(ConfigKeys.Apis))
        {
            if (!ApiFamilies.All.Contains(api, StringComparer.Ordinal))
            {
                yield return new ConfigError(ConfigKeys.Apis, $"'{api}' is not one of {string.Join(", ", ApiFamilies.All)}.");
            }
        }

        if (configuration.GetInteger(ConfigKeys.PageSize) is < 1 or > 1000)
        {
            yield return new ConfigError(ConfigKeys.PageSize, "must be between 1 and 1000.");
        }

        if (configuration.GetInteger(ConfigKeys.FunctionCatalogs) is < 1 or > 10_000)
        {
            yield return new ConfigError(ConfigKeys.FunctionCatalogs, "must be between 1 and 10000.");
        }

        if (configuration.GetInteger(ConfigKeys.FunctionSchemas) is < 1 or > 100_000)
        {
            yield return new ConfigError(ConfigKeys.FunctionSchemas, "must be between 1 and 100000.");
        }

        if (configuration.GetInteger(ConfigKeys.RequestsPerSecond) is < 0)
        {
            yield return new ConfigError(ConfigKeys.RequestsPerSecond, "must be zero or more.");
        }
    }

    public IPlugin Create(PluginConfiguration configuration, PluginContext context)
    {
        Uri workspace = WithSlash(configuration.GetUrl(ConfigKeys.WorkspaceUrl)!);
        DatabricksCredentials credentials = configuration.GetString(ConfigKeys.Token) is { } pat
            ? DatabricksCredentials.PersonalAccessToken(pat)
            : DatabricksCredentials.OAuth(
                configuration.GetRequiredString(ConfigKeys.ClientId),
                configuration.GetRequiredString(ConfigKeys.ClientSecret),
                configuration.GetUrl(ConfigKeys.TokenEndpoint) ?? new Uri(workspace, "oidc/v1/token"));
        return new DatabricksPlugin(
            workspace,
            credentials,
            configuration.GetList(ConfigKeys.Apis),
            new ScanLimits(
                (int)(configuration.GetInteger(ConfigKeys.PageSize) ?? 100),
                (int)(configuration.GetInteger(ConfigKeys.FunctionCatalogs) ?? ScanLimits.DefaultFunctionCatalogs),
                (int)(configuration.GetInteger(ConfigKeys.FunctionSchemas) ?? ScanLimits.DefaultFunctionSchemas)),
            context,
            configuration.GetInteger(ConfigKeys.RequestsPerSecond) ?? 0);
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

internal static class ConfigKeys
{
    public const string WorkspaceUrl = "workspace_url";
    public const string Token = "token";
    public const string ClientId = "client_id";
    public const string ClientSecret = "client_secret";
    public const string TokenEndpoint = "oauth_endpoint";
    public const string Apis = "apis";
    public const string PageSize = "page_size";
    public const string RequestsPerSecond = "requests_per_second";
    public const string FunctionCatalogs = "functions_max_catalogs";
    public const string FunctionSchemas = "functions_max_schemas";
}

/// <summary>The API families, each one scope per workspace.</summary>
internal static class ApiFamilies
{
    public const string Serving = "serving";
    public const string UnityCatalog = "unity_catalog";
    public const string Mlflow = "mlflow";
    public const string Genie = "genie";
    public const string VectorSearch = "vector_search";
    public const string Apps = "apps";
    public const string Connections = "connections";
    public const string Functions = "functions";
    public const string KnowledgeAssistants = "knowledge_assistants";
    public const string SupervisorAgents = "supervisor_agents";

    public static IReadOnlyList<string> All { get; } = [Serving, UnityCatalog, Mlflow, Genie, VectorSearch, Apps, Connections, Functions, KnowledgeAssistants, SupervisorAgents];
}

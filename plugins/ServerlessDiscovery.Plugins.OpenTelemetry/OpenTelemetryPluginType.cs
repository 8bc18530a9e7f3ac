using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.OpenTelemetry;

/// <summary>
/// Trace-derived assets: models, agents, tools, MCP servers/tools/resources and downstream systems seen in OTLP traces
/// pushed to /v1/traces. A push source: discovery has nothing to pull (README: "A push source").
/// </summary>
public sealed class OpenTelemetryPluginType : IPluginType
{
    public const string TypeId = "opentelemetry";
    public const string ServiceNamesField = "service_names";

    public PluginMetadata Metadata { get; } = new(
        TypeId: TypeId,
        Name: "OpenTelemetry traces",
        Description: "AI models, agents, tools, MCP servers and downstream systems observed in OTLP traces (GenAI and MCP semantic conventions, OpenLLMetry and OpenInference keys).",
        Version: "1.0.0",
        AssetTypes:
        [
            AssetTypes.Model, AssetTypes.Agent, AssetTypes.Tool, AssetTypes.McpServer, AssetTypes.McpTool, AssetTypes.McpResource,
            AssetTypes.DownstreamSystem,
        ],
        ConfigFields:
        [
            new ConfigField(ServiceNamesField, "Service names", ConfigFieldType.StringList,
                Description: "Optional. Only spans whose resource service.name is listed produce assets; empty means every service."),
        ],
        EnvironmentVariables: [])
    {
        ConfigAliases =
        [
            new ConfigAlias("host", null, "Ignored: OpenCITE's receiver bind address; traces arrive at this service's own /v1/traces and /v1/logs."),
            new ConfigAlias("port", null, "Ignored: OpenCITE's receiver port; this service opens no port per instance."),
        ],
    };

    public IPlugin Create(PluginConfiguration configuration, PluginContext context) => new OpenTelemetryPlugin();

    /// <summary>The extraction options an instance's configuration asks for.</summary>
    public static TraceExtractionOptions ExtractionOptions(PluginConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new TraceExtractionOptions { ServiceNames = configuration.Has(ServiceNamesField) ? configuration.GetList(ServiceNamesField) : [] };
    }
}

/// <summary>
/// Traces are pushed, so a scan observes nothing: it reports no scope (nothing is deleted or marked stale) and there is
/// no connection to verify.
/// </summary>
internal sealed class OpenTelemetryPlugin : IPlugin
{
    public Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(VerifyResult.Ok);
    }

    public Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Databricks.Api;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Databricks.Discovery;

/// <summary>One scan or verify of a Databricks workspace. Scopes: databricks:{host}:{api family}.</summary>
internal sealed class DatabricksPlugin : IPlugin
{
    private readonly ProviderHttpClient _http;
    private readonly DatabricksClient _client;
    private readonly IReadOnlyList<string> _apis;
    private readonly WorkspaceScan _scan;
    private readonly string _host;
    private readonly ILogger _logger;

    public DatabricksPlugin(Uri workspace, DatabricksCredentials credentials, IReadOnlyList<string> apis, ScanLimits limits, PluginContext context, double requestsPerSecond)
    {
        _http = context.CreateProviderClient("Databricks", requestsPerSecond);
        _client = new DatabricksClient(_http, workspace, credentials, context.TimeProvider);
        _apis = apis.Count > 0 ? apis : ApiFamilies.All;
        _host = workspace.Authority.ToLowerInvariant();
        _scan = new WorkspaceScan(_client, _host, limits);
        _logger = context.LoggerFactory.CreateLogger<DatabricksPlugin>();
    }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Cheapest authenticated call every workspace has: the caller's own identity.
            using JsonDocument _ = await _client.GetAsync("CurrentUser", "api/2.0/preview/scim/v2/Me", cancellationToken).ConfigureAwait(false);
            return VerifyResult.Ok;
        }
        catch (ProviderException ex)
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        foreach (string api in _apis)
        {
            string scope = $"databricks:{_host}:{api}";
            Func<ScopeRun, CancellationToken, Task> scan = api switch
            {
                ApiFamilies.Serving => _scan.ServingEndpointsAsync,
                ApiFamilies.UnityCatalog => _scan.UnityCatalogModelsAsync,
                ApiFamilies.Mlflow => _scan.MlflowModelsAsync,
                ApiFamilies.Genie => _scan.GenieSpacesAsync,
                ApiFamilies.Apps => _scan.AppsAsync,
                ApiFamilies.Connections => _scan.ConnectionsAsync,
                ApiFamilies.Functions => _scan.FunctionsAsync,
                ApiFamilies.KnowledgeAssistants => _scan.KnowledgeAssistantsAsync,
                ApiFamilies.SupervisorAgents => _scan.SupervisorAgentsAsync,
                _ => _scan.VectorSearchAsync,
            };
            await sink.RunScopeAsync(scope, scan, _logger, "Databricks", IsUnavailable, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A feature the workspace does not have: Databricks answers error_code FEATURE_DISABLED (Apps, Genie, Vector
    /// Search not enabled), ENDPOINT_NOT_FOUND ("No API found for ...") for an API this workspace does not serve, or
    /// METASTORE_DOES_NOT_EXIST for Unity Catalog calls in a workspace without a metastore. PERMISSION_DENIED stays a failure.
    /// </summary>
    internal static bool IsUnavailable(ProviderException ex) => ex.ErrorCode is "FEATURE_DISABLED" or "ENDPOINT_NOT_FOUND" or "METASTORE_DOES_NOT_EXIST" || ex.Status is 501;

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Http;
using ServerlessDiscovery.Plugins.LiteLlm.Api;

namespace ServerlessDiscovery.Plugins.LiteLlm.Discovery;

internal sealed record LiteLlmScanOptions(bool IncludeMcp, bool IncludeTeams, bool IncludeKeys, int PageSize, bool IncludeAgents = true, bool IncludeGuardrails = true, bool IncludeVectorStores = true);

/// <summary>One scan or verify of a LiteLLM proxy. Scopes: litellm:{host:port}:{models|mcp|teams|keys|agents|guardrails|vector_stores}.</summary>
internal sealed class LiteLlmPlugin : IPlugin
{
    private readonly ProviderHttpClient _http;
    private readonly LiteLlmClient _client;
    private readonly LiteLlmScanOptions _options;
    private readonly string _proxy;
    private readonly ILogger _logger;

    public LiteLlmPlugin(Uri proxy, string masterKey, LiteLlmScanOptions options, PluginContext context, double requestsPerSecond)
    {
        _http = context.CreateProviderClient("LiteLLM", requestsPerSecond);
        _client = new LiteLlmClient(_http, proxy, masterKey);
        _options = options;
        _proxy = proxy.Authority.ToLowerInvariant();
        _logger = context.LoggerFactory.CreateLogger<LiteLlmPlugin>();
    }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using JsonDocument _ = await _client.GetAsync("ModelInfo", "model/info", cancellationToken).ConfigureAwait(false);
            return VerifyResult.Ok;
        }
        catch (ProviderException ex)
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        var scan = new ProxyScan(_client, _proxy, _options.PageSize);
        bool[] families = [true, _options.IncludeMcp, _options.IncludeTeams, _options.IncludeKeys, _options.IncludeAgents, _options.IncludeGuardrails, _options.IncludeVectorStores];
        sink.ScopesPlanned(families.Count(f => f));
        await RunAsync(sink, "models", scan.ModelsAsync, cancellationToken).ConfigureAwait(false);
        if (_options.IncludeMcp)
        {
            await RunAsync(sink, "mcp", scan.McpAsync, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IncludeTeams)
        {
            await RunAsync(sink, "teams", scan.TeamsAsync, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IncludeKeys)
        {
            await RunAsync(sink, "keys", scan.KeysAsync, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IncludeAgents)
        {
            await RunAsync(sink, "agents", scan.AgentsAsync, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IncludeGuardrails)
        {
            await RunAsync(sink, "guardrails", scan.GuardrailsAsync, cancellationToken).ConfigureAwait(false);
        }

        if (_options.IncludeVectorStores)
        {
            await RunAsync(sink, "vector_stores", scan.VectorStoresAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(IDiscoverySink sink, string family, Func<IDiscoverySink, string, CancellationToken, Task> scan, CancellationToken cancellationToken)
    {
        string scope = $"litellm:{_proxy}:{family}";
        var run = new IncompleteScopeSink(sink);
        await run.RunScopeAsync(scope, ct => scan(run, scope, ct), _logger, "LiteLLM", cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

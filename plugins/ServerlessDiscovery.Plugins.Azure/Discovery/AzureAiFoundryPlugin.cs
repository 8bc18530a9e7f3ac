using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Credentials;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Azure.Discovery;

internal sealed record AzureScanOptions(Uri ArmBaseUrl, IReadOnlyList<string> SubscriptionIds, bool IncludeMachineLearning);

/// <summary>One scan or verify of Azure AI Foundry. Scopes: one per subscription and resource provider.</summary>
internal sealed partial class AzureAiFoundryPlugin : IPlugin
{
    private readonly ProviderHttpClient _http;
    private readonly ArmClient _arm;
    private readonly AzureScanOptions _options;
    private readonly ILogger _logger;

    public AzureAiFoundryPlugin(ArmTokenSource tokens, AzureScanOptions options, PluginContext context, double requestsPerSecond)
    {
        _http = context.CreateProviderClient("Azure", requestsPerSecond);
        _arm = new ArmClient(_http, tokens, options.ArmBaseUrl);
        _options = options;
        _logger = context.LoggerFactory.CreateLogger<AzureAiFoundryPlugin>();
    }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            string sub = _options.SubscriptionIds.Count > 0 ? _options.SubscriptionIds[0] : string.Empty;
            string path = sub.Length > 0
                ? $"subscriptions/{Uri.EscapeDataString(sub)}?api-version={ArmClient.SubscriptionsApiVersion}"
                : $"subscriptions?api-version={ArmClient.SubscriptionsApiVersion}";
            using JsonDocument _ = await _arm.GetAsync("GetSubscription", new Uri(_options.ArmBaseUrl, path), cancellationToken).ConfigureAwait(false);
            return VerifyResult.Ok;
        }
        catch (ProviderException ex)
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> subscriptions = _options.SubscriptionIds;
        if (subscriptions.Count == 0)
        {
            const string scope = "azure:subscriptions";
            try
            {
                var found = new List<string>();
                await foreach (JsonElement item in _arm.ListAsync("ListSubscriptions", $"subscriptions?api-version={ArmClient.SubscriptionsApiVersion}", cancellationToken).ConfigureAwait(false))
                {
                    if (ArmResource.Text(item, "subscriptionId") is { Length: > 0 } id)
                    {
                        found.Add(id);
                    }
                }

                subscriptions = found;
            }
            catch (Exception ex) when (IsProviderFailure(ex, cancellationToken))
            {
                Fail(sink, scope, ex);
                return;
            }
        }

        foreach (string subscription in subscriptions)
        {
            var scan = new SubscriptionScan(_arm, sink, subscription);
            await RunScopeAsync(sink, scan.CognitiveServicesScope, scan.ScanCognitiveServicesAsync, cancellationToken).ConfigureAwait(false);
            if (_options.IncludeMachineLearning)
            {
                await RunScopeAsync(sink, scan.MachineLearningScope, scan.ScanMachineLearningAsync, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunScopeAsync(IDiscoverySink sink, string scope, Func<CancellationToken, Task> scan, CancellationToken cancellationToken)
    {
        try
        {
            await scan(cancellationToken).ConfigureAwait(false);
            sink.ScopeCompleted(scope);
        }
        catch (Exception ex) when (IsProviderFailure(ex, cancellationToken))
        {
            Fail(sink, scope, ex);
        }
    }

    private void Fail(IDiscoverySink sink, string scope, Exception ex)
    {
        string reason = ex is ProviderException ? ex.Message : $"Azure returned a response of an unexpected shape ({ex.GetType().Name}).";
        LogScopeFailed(_logger, scope, reason);
        sink.ScopeFailed(scope, reason);
    }

    private static bool IsProviderFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is ProviderException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Azure scope {Scope} failed: {Reason}")]
    private static partial void LogScopeFailed(ILogger logger, string scope, string reason);
}

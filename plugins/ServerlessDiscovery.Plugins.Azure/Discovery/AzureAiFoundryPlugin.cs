using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Azure.Agents;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Credentials;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Azure.Discovery;

/// <param name="AgentsEndpointBase">Replaces the host of every project's data-plane endpoint (sovereign clouds, private link, tests).</param>
internal sealed record AzureScanOptions(Uri ArmBaseUrl, IReadOnlyList<string> SubscriptionIds, bool IncludeMachineLearning, bool IncludeProjectAgents = true, Uri? AgentsEndpointBase = null);

/// <summary>One scan or verify of Azure AI Foundry. Scopes: one per subscription and resource provider.</summary>
internal sealed class AzureAiFoundryPlugin : IPlugin
{
    private readonly ProviderHttpClient _http;
    private readonly ArmClient _arm;
    private readonly FoundryAgentsClient? _agents;
    private readonly AzureScanOptions _options;
    private readonly ILogger _logger;

    public AzureAiFoundryPlugin(ArmTokenSource tokens, AzureScanOptions options, PluginContext context, double requestsPerSecond)
    {
        _http = context.CreateProviderClient("Azure", requestsPerSecond);
        _arm = new ArmClient(_http, tokens, options.ArmBaseUrl);
        _agents = options.IncludeProjectAgents ? new FoundryAgentsClient(_http, tokens, options.AgentsEndpointBase) : null;
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
            var found = new List<string>();
            bool listed = await sink.RunScopeAsync("azure:subscriptions", async ct =>
            {
                await foreach (JsonElement item in _arm.ListAsync("ListSubscriptions", $"subscriptions?api-version={ArmClient.SubscriptionsApiVersion}", ct).ConfigureAwait(false))
                {
                    if (JsonFields.Text(item, "subscriptionId") is { Length: > 0 } id)
                    {
                        found.Add(id);
                    }
                }
            }, _logger, "Azure", cancellationToken).ConfigureAwait(false);
            if (!listed)
            {
                return;
            }

            subscriptions = found;
        }

        foreach (string subscription in subscriptions)
        {
            var scan = new SubscriptionScan(_arm, sink, subscription, _agents, _logger);
            await sink.RunScopeAsync(scan.CognitiveServicesScope, scan.ScanCognitiveServicesAsync, _logger, "Azure", IsUnavailable, cancellationToken).ConfigureAwait(false);
            if (_options.IncludeMachineLearning)
            {
                await sink.RunScopeAsync(scan.MachineLearningScope, scan.ScanMachineLearningAsync, _logger, "Azure", IsUnavailable, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A resource provider the subscription has not registered (ARM 409 MissingSubscriptionRegistration) or does not
    /// offer (NoRegisteredProviderFound, InvalidResourceType): nothing of that kind can exist there. Not a failure.
    /// </summary>
    internal static bool IsUnavailable(ProviderException ex) =>
        ex.ErrorCode is "MissingSubscriptionRegistration" or "NoRegisteredProviderFound" or "InvalidResourceType";

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Azure.Agents;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Guardrails;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Discovery;

/// <summary>Reads one subscription: Cognitive Services (Azure OpenAI, AI Services, Foundry projects) and Azure Machine Learning.</summary>
/// <remarks>With <paramref name="agents"/>, each Foundry project's data-plane agents are read as a scope of their own.</remarks>
internal sealed class SubscriptionScan(ArmClient arm, IDiscoverySink sink, string subscriptionId, FoundryAgentsClient? agents, ILogger logger)
{
    private readonly string _sub = subscriptionId.ToLowerInvariant();

    public string CognitiveServicesScope => $"azure:{_sub}:cognitiveservices";

    public string MachineLearningScope => $"azure:{_sub}:machinelearningservices";

    /// <summary>
    /// One account whose deployments or projects cannot be listed is a warning on the scope (its siblings are still
    /// reported, the scope is incomplete), not a failed subscription.
    /// </summary>
    public async Task ScanCognitiveServicesAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        string scope = CognitiveServicesScope;
        var models = new HashSet<string>(StringComparer.Ordinal);
        string api = ArmClient.CognitiveServicesApiVersion;
        await foreach (JsonElement item in arm.ListAsync("ListCognitiveServicesAccounts", $"subscriptions/{Uri.EscapeDataString(subscriptionId)}/providers/Microsoft.CognitiveServices/accounts?api-version={api}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource account = ArmResource.Parse("ListCognitiveServicesAccounts", item);
            if (!string.Equals(account.Kind, "OpenAI", StringComparison.OrdinalIgnoreCase) && !string.Equals(account.Kind, "AIServices", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            JsonObject accountAttributes = account.BaseAttributes();
            accountAttributes["endpoint"] = Text(account.Properties, "endpoint");
            accountAttributes["sku"] = Text(account.Sku, "name");
            accountAttributes["custom_subdomain"] = Text(account.Properties, "customSubDomainName");
            accountAttributes["public_network_access"] = Text(account.Properties, "publicNetworkAccess");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, account.AssetId, account.Name, scope) { Attributes = accountAttributes }, cancellationToken).ConfigureAwait(false);
            await run.ItemAsync($"account {account.Name}", ct => ScanAccountAsync(run, account, scope, models, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanAccountAsync(ScopeRun run, ArmResource account, string scope, HashSet<string> models, CancellationToken cancellationToken)
    {
        string api = ArmClient.CognitiveServicesApiVersion;
        var guarded = new List<(string DeploymentId, string Policy)>();
        await foreach (JsonElement d in arm.ListAsync("ListDeployments", $"{account.Id.TrimStart('/')}/deployments?api-version={api}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource deployment = ArmResource.Parse("ListDeployments", d);
            JsonElement model = deployment.Properties.ValueKind == JsonValueKind.Object && deployment.Properties.TryGetProperty("model", out JsonElement m) ? m : default;
            string? modelName = Text(model, "name");
            string? format = Text(model, "format");
            JsonObject attributes = deployment.BaseAttributes();
            attributes["account_id"] = account.AssetId;
            attributes["model_name"] = modelName;
            attributes["model_version"] = Text(model, "version");
            attributes["model_format"] = format;
            attributes["sku"] = Text(deployment.Sku, "name");
            attributes["capacity"] = Node(deployment.Sku, "capacity");
            attributes["version_upgrade_option"] = Text(deployment.Properties, "versionUpgradeOption");
            attributes["rai_policy"] = Text(deployment.Properties, "raiPolicyName");
            if (Text(deployment.Properties, "raiPolicyName") is { Length: > 0 } policy)
            {
                guarded.Add((deployment.AssetId, policy));
            }

            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Deployment, deployment.AssetId, deployment.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, account.AssetId, Relationships.Contains, AssetTypes.Deployment, deployment.AssetId, scope), cancellationToken).ConfigureAwait(false);

            if (modelName is { Length: > 0 })
            {
                // Trace-derived identity: a model is (provider, name); Azure OpenAI and other Foundry models differ by provider.
                string provider = string.Equals(format, "OpenAI", StringComparison.OrdinalIgnoreCase) ? "azure.ai.openai" : "azure.ai.inference";
                string modelId = $"{provider}/{modelName.ToLowerInvariant()}";
                if (models.Add(modelId))
                {
                    await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, modelName, scope)
                    {
                        Attributes = new JsonObject { ["provider"] = provider, ["format"] = format },
                    }, cancellationToken).ConfigureAwait(false);
                }

                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Deployment, deployment.AssetId, Relationships.Serves, AssetTypes.Model, modelId, scope), cancellationToken).ConfigureAwait(false);
            }
        }

        await new RaiPolicyScan(arm, sink, account, scope).ScanAsync(guarded, cancellationToken).ConfigureAwait(false);
        if (string.Equals(account.Kind, "AIServices", StringComparison.OrdinalIgnoreCase))
        {
            await ScanProjectsAsync(run, account, scope, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanProjectsAsync(ScopeRun run, ArmResource account, string scope, CancellationToken cancellationToken)
    {
        await foreach (JsonElement p in arm.ListAsync("ListProjects", $"{account.Id.TrimStart('/')}/projects?api-version={ArmClient.CognitiveServicesApiVersion}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource project = ArmResource.Parse("ListProjects", p);
            JsonObject attributes = project.BaseAttributes();
            attributes["account_id"] = account.AssetId;
            attributes["display_name"] = Text(project.Properties, "displayName");
            attributes["description"] = Text(project.Properties, "description");
            attributes["is_default"] = Node(project.Properties, "isDefault");
            attributes["endpoints"] = Node(project.Properties, "endpoints");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, project.AssetId, project.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, account.AssetId, Relationships.Contains, AssetTypes.Endpoint, project.AssetId, scope), cancellationToken).ConfigureAwait(false);
            await run.ItemAsync($"project {project.Name}", ct => new FoundryProjectScan(arm, sink, project, scope).ScanAsync(ct), cancellationToken).ConfigureAwait(false);
            if (agents is not null)
            {
                var agentScan = new ProjectAgentsScan(agents, sink, account, project);
                await sink.RunScopeAsync(agentScan.Scope, agentScan.ScanAsync, logger, "Azure", ProjectAgentsScan.IsUnavailable, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One workspace whose online endpoints cannot be listed is a warning on the scope, not a failed subscription.</summary>
    public async Task ScanMachineLearningAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        string scope = MachineLearningScope;
        string api = ArmClient.MachineLearningApiVersion;
        var models = new HashSet<string>(StringComparer.Ordinal);
        await foreach (JsonElement w in arm.ListAsync("ListWorkspaces", $"subscriptions/{Uri.EscapeDataString(subscriptionId)}/providers/Microsoft.MachineLearningServices/workspaces?api-version={api}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource workspace = ArmResource.Parse("ListWorkspaces", w);
            JsonObject wsAttributes = workspace.BaseAttributes();
            wsAttributes["friendly_name"] = Text(workspace.Properties, "friendlyName");
            wsAttributes["hub_resource_id"] = Text(workspace.Properties, "hubResourceId");
            wsAttributes["discovery_url"] = Text(workspace.Properties, "discoveryUrl");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, workspace.AssetId, workspace.Name, scope) { Attributes = wsAttributes }, cancellationToken).ConfigureAwait(false);
            if (Text(workspace.Properties, "hubResourceId") is { Length: > 0 } hub)
            {
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, ArmResource.NormalizeId(hub), Relationships.Contains, AssetTypes.Endpoint, workspace.AssetId, scope), cancellationToken).ConfigureAwait(false);
            }

            await run.ItemAsync($"workspace {workspace.Name}", ct => ScanWorkspaceAsync(workspace, scope, models, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanWorkspaceAsync(ArmResource workspace, string scope, HashSet<string> models, CancellationToken cancellationToken)
    {
        string api = ArmClient.MachineLearningApiVersion;
        await foreach (JsonElement e in arm.ListAsync("ListOnlineEndpoints", $"{workspace.Id.TrimStart('/')}/onlineEndpoints?api-version={api}", cancellationToken).ConfigureAwait(false))
        {
            ArmResource endpoint = ArmResource.Parse("ListOnlineEndpoints", e);
            JsonObject epAttributes = endpoint.BaseAttributes();
            epAttributes["workspace_id"] = workspace.AssetId;
            epAttributes["scoring_uri"] = Text(endpoint.Properties, "scoringUri");
            epAttributes["auth_mode"] = Text(endpoint.Properties, "authMode");
            epAttributes["traffic"] = Node(endpoint.Properties, "traffic");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, endpoint.AssetId, endpoint.Name, scope) { Attributes = epAttributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, workspace.AssetId, Relationships.Contains, AssetTypes.Endpoint, endpoint.AssetId, scope), cancellationToken).ConfigureAwait(false);

            await foreach (JsonElement d in arm.ListAsync("ListOnlineDeployments", $"{endpoint.Id.TrimStart('/')}/deployments?api-version={api}", cancellationToken).ConfigureAwait(false))
            {
                ArmResource deployment = ArmResource.Parse("ListOnlineDeployments", d);
                string? model = Text(deployment.Properties, "model");
                JsonObject attributes = deployment.BaseAttributes();
                attributes["endpoint_id"] = endpoint.AssetId;
                attributes["model"] = model;
                attributes["instance_type"] = Text(deployment.Properties, "instanceType");
                attributes["endpoint_compute_type"] = Text(deployment.Properties, "endpointComputeType");
                attributes["sku"] = Text(deployment.Sku, "name");
                attributes["capacity"] = Node(deployment.Sku, "capacity");
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Deployment, deployment.AssetId, deployment.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, endpoint.AssetId, Relationships.Contains, AssetTypes.Deployment, deployment.AssetId, scope), cancellationToken).ConfigureAwait(false);
                await ServesModelAsync(AssetTypes.Deployment, deployment.AssetId, model, scope, models, cancellationToken).ConfigureAwait(false);
            }
        }

        await ScanServerlessEndpointsAsync(workspace, scope, models, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// ServerlessEndpoints_List (GET {workspace}/serverlessEndpoints, 2024-10-01): models as a service (pay-as-you-go
    /// Llama, Mistral, ...), each serving the catalog model its modelSettings.modelId names. The inference endpoint's
    /// headers and keys are never read. A workspace kind without serverless endpoints answers 404 / InvalidResourceType:
    /// it has none.
    /// </summary>
    private async Task ScanServerlessEndpointsAsync(ArmResource workspace, string scope, HashSet<string> models, CancellationToken cancellationToken)
    {
        var endpoints = new List<ArmResource>();
        try
        {
            await foreach (JsonElement e in arm.ListAsync("ListServerlessEndpoints", $"{workspace.Id.TrimStart('/')}/serverlessEndpoints?api-version={ArmClient.MachineLearningApiVersion}", cancellationToken).ConfigureAwait(false))
            {
                endpoints.Add(ArmResource.Parse("ListServerlessEndpoints", e));
            }
        }
        catch (ProviderException ex) when (AzureAiFoundryPlugin.IsUnavailable(ex) || ex.Status == 404)
        {
            return;
        }

        foreach (ArmResource endpoint in endpoints)
        {
            string? model = Text(Object(endpoint.Properties, "modelSettings"), "modelId");
            JsonObject attributes = endpoint.BaseAttributes();
            attributes["workspace_id"] = workspace.AssetId;
            attributes["kind"] = "serverless_endpoint";
            attributes["model"] = model;
            attributes["auth_mode"] = Text(endpoint.Properties, "authMode");
            attributes["inference_uri"] = StoredUrls.WithoutQuery(Text(Object(endpoint.Properties, "inferenceEndpoint"), "uri"));
            attributes["endpoint_state"] = Text(endpoint.Properties, "endpointState");
            attributes["content_safety"] = Text(Object(endpoint.Properties, "contentSafety"), "contentSafetyStatus");
            attributes["marketplace_subscription_id"] = Text(endpoint.Properties, "marketplaceSubscriptionId");
            attributes["sku"] = Text(endpoint.Sku, "name");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, endpoint.AssetId, endpoint.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, workspace.AssetId, Relationships.Contains, AssetTypes.Endpoint, endpoint.AssetId, scope), cancellationToken).ConfigureAwait(false);
            await ServesModelAsync(AssetTypes.Endpoint, endpoint.AssetId, model, scope, models, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An azureml:// registry URI or an ARM model(-version) id: both are case-insensitive identities.</summary>
    private async Task ServesModelAsync(string sourceType, string sourceId, string? model, string scope, HashSet<string> models, CancellationToken cancellationToken)
    {
        if (model is not { Length: > 0 })
        {
            return;
        }

        string modelId = model.ToLowerInvariant();
        if (models.Add(modelId))
        {
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, ModelName(model), scope)
            {
                Attributes = new JsonObject { ["provider"] = "azure.ml", ["reference"] = model },
            }, cancellationToken).ConfigureAwait(false);
        }

        await sink.AddEdgeAsync(new DiscoveredEdge(sourceType, sourceId, Relationships.Serves, AssetTypes.Model, modelId, scope), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>"azureml://registries/r/models/llama/versions/3" and ".../models/llama/versions/3" name the model "llama".</summary>
    private static string ModelName(string reference)
    {
        string[] parts = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int i = System.Array.FindLastIndex(parts, p => p.Equals("models", StringComparison.OrdinalIgnoreCase));
        return i >= 0 && i + 1 < parts.Length ? parts[i + 1] : reference;
    }
}

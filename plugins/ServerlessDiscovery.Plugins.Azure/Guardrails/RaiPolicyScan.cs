using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Discovery;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Guardrails;

/// <summary>
/// The content filter (RAI) policies of one account, RaiPolicies_List (GET {account}/raiPolicies, 2025-06-01): the
/// system policies (Microsoft.Default, Microsoft.DefaultV2) and the account's own, each a guardrail (asset type
/// <c>function</c>, kind <c>guardrail</c>, as the other plugins report guardrails). Deployments name theirs in
/// <c>raiPolicyName</c>; each such deployment is <c>guarded_by</c> it.
/// </summary>
internal sealed class RaiPolicyScan(ArmClient arm, IDiscoverySink sink, ArmResource account, string scope)
{
    /// <summary>Not yet among the SDK's relationship names: the deployment whose traffic a guardrail filters.</summary>
    public const string GuardedBy = "guarded_by";

    /// <summary>
    /// The id of the policy a deployment names: built from the account and the name, since a deployment carries only the
    /// name and system policies are listed under every account.
    /// </summary>
    public static string PolicyId(ArmResource account, string name) => $"{account.AssetId}/raipolicies/{name.ToLowerInvariant()}";

    public async Task ScanAsync(IReadOnlyList<(string DeploymentId, string Policy)> deployments, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (JsonElement item in arm.ListAsync("ListRaiPolicies", $"{account.Id.TrimStart('/')}/raiPolicies?api-version={ArmClient.CognitiveServicesApiVersion}", cancellationToken).ConfigureAwait(false))
            {
                ArmResource policy = ArmResource.Parse("ListRaiPolicies", item);
                JsonObject attributes = policy.BaseAttributes();
                attributes["account_id"] = account.AssetId;
                attributes["kind"] = "guardrail";
                attributes["guardrail"] = "azure_content_filter";
                attributes["policy_type"] = Text(policy.Properties, "type");
                attributes["mode"] = Text(policy.Properties, "mode");
                attributes["base_policy_name"] = Text(policy.Properties, "basePolicyName");
                attributes["content_filters"] = Node(policy.Properties, "contentFilters");
                attributes["custom_blocklists"] = Node(policy.Properties, "customBlocklists");
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Function, PolicyId(account, policy.Name), policy.Name, scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ProviderException ex) when (AzureAiFoundryPlugin.IsUnavailable(ex) || ex.Status == 404)
        {
            // An account kind without content filtering: no policies, and its deployments name none.
            return;
        }

        foreach ((string deploymentId, string name) in deployments)
        {
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Deployment, deploymentId, GuardedBy, AssetTypes.Function, PolicyId(account, name), scope), cancellationToken).ConfigureAwait(false);
        }
    }
}

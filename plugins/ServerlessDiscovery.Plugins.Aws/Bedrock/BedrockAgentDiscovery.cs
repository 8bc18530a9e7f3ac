using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;

namespace ServerlessDiscovery.Plugins.Aws.Bedrock;

/// <summary>
/// Agents for Amazon Bedrock (REST-JSON, bedrock-agent.{region}.amazonaws.com): agents with the model, action groups
/// (tools) and knowledge bases each uses, and the account's knowledge bases.
/// </summary>
internal sealed class BedrockAgentDiscovery(AwsApiClient api, AwsService service) : IAwsServiceDiscovery
{
    public const string EndpointField = "bedrock_agent_endpoint";
    public const string DefaultEndpoint = "https://bedrock-agent.{region}.amazonaws.com";

    /// <summary>The working draft: the version whose action groups and knowledge bases are edited and prepared.</summary>
    private const string AgentVersion = "DRAFT";

    public AwsService Service => service;

    // Agents for Amazon Bedrock signs as "bedrock".
    public static AwsService CreateService(string endpointTemplate) => new("bedrock-agent", "bedrock", endpointTemplate);

    public async Task VerifyAsync(string region, CancellationToken cancellationToken)
    {
        using JsonDocument _ = await api.CallRestAsync(service, region, "ListAgents", HttpMethod.Post, "agents/", new JsonObject { ["maxResults"] = 1 }, cancellationToken);
    }

    public async Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        await ListAsync(scan, "ListKnowledgeBases", "knowledgebases/", async page =>
        {
            foreach (JsonElement kb in AwsJson.Items(page, "knowledgeBaseSummaries", "ListKnowledgeBases"))
            {
                string id = AwsJson.RequiredString(kb, "knowledgeBaseId", "ListKnowledgeBases");
                JsonObject attributes = AwsJson.Attributes(kb, "knowledgeBaseId", "status", "description");
                attributes["region"] = scan.Region;
                attributes["kind"] = "knowledge_base";
                await scan.AddAsync(AssetTypes.DownstreamSystem, KnowledgeBaseArn(scan, id), AwsJson.String(kb, "name") ?? id, attributes, cancellationToken);
            }
        }, cancellationToken);

        var agentIds = new List<string>();
        await ListAsync(scan, "ListAgents", "agents/", page =>
        {
            agentIds.AddRange(AwsJson.Items(page, "agentSummaries", "ListAgents").Select(a => AwsJson.RequiredString(a, "agentId", "ListAgents")));
            return Task.CompletedTask;
        }, cancellationToken);

        foreach (string agentId in agentIds)
        {
            await AgentAsync(scan, agentId, cancellationToken);
        }
    }

    private async Task AgentAsync(AwsScan scan, string agentId, CancellationToken cancellationToken)
    {
        // The summary lacks the ARN and the model; GetAgent has both.
        using JsonDocument detail = await api.CallRestAsync(service, scan.Region, "GetAgent", HttpMethod.Get, $"agents/{Uri.EscapeDataString(agentId)}/", null, cancellationToken);
        JsonElement agent = AwsJson.Object(detail.RootElement, "agent") ?? throw new ServerlessDiscovery.Plugins.Http.ProviderException("GetAgent returned no 'agent'.");
        string arn = AwsJson.String(agent, "agentArn") ?? $"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:agent/{agentId}";
        JsonObject attributes = AwsJson.Attributes(agent, "agentId", "agentStatus", "foundationModel", "description", "agentVersion", "orchestrationType", "agentCollaboration");
        attributes["region"] = scan.Region;
        await scan.AddAsync(AssetTypes.Agent, arn, AwsJson.String(agent, "agentName") ?? agentId, attributes, cancellationToken);

        if (AwsJson.String(agent, "foundationModel") is { Length: > 0 } model)
        {
            (string targetType, string targetId) = ModelTarget(scan, model);
            await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesModel, targetType, targetId, cancellationToken);
        }

        string versionPath = $"agents/{Uri.EscapeDataString(agentId)}/agentversions/{AgentVersion}/";
        await ListAsync(scan, "ListAgentActionGroups", versionPath + "actiongroups/", async page =>
        {
            foreach (JsonElement group in AwsJson.Items(page, "actionGroupSummaries", "ListAgentActionGroups"))
            {
                string groupId = AwsJson.RequiredString(group, "actionGroupId", "ListAgentActionGroups");
                // Action groups have no ARN of their own; this id extends the agent's ARN the way AWS names sub-resources.
                string toolId = $"{arn}/action-group/{groupId}";
                JsonObject toolAttributes = AwsJson.Attributes(group, "actionGroupId", "actionGroupState", "description");
                toolAttributes["region"] = scan.Region;
                toolAttributes["agent_id"] = agentId;
                toolAttributes["kind"] = "action_group";
                await scan.AddAsync(AssetTypes.Tool, toolId, AwsJson.String(group, "actionGroupName") ?? groupId, toolAttributes, cancellationToken);
                await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesTool, AssetTypes.Tool, toolId, cancellationToken);
            }
        }, cancellationToken);

        await ListAsync(scan, "ListAgentKnowledgeBases", versionPath + "knowledgebases/", async page =>
        {
            foreach (JsonElement kb in AwsJson.Items(page, "agentKnowledgeBaseSummaries", "ListAgentKnowledgeBases"))
            {
                string kbId = AwsJson.RequiredString(kb, "knowledgeBaseId", "ListAgentKnowledgeBases");
                await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, KnowledgeBaseArn(scan, kbId), cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// An agent names its model by ARN, model id or cross-region inference profile id ("us.anthropic..."); ids become the
    /// ARNs Bedrock's own listings report (foundation model, or inference profile: an endpoint here), so edges meet those assets.
    /// </summary>
    private static (string Type, string Id) ModelTarget(AwsScan scan, string model)
    {
        if (model.StartsWith("arn:", StringComparison.Ordinal))
        {
            return (model.Contains(":inference-profile/", StringComparison.Ordinal) || model.Contains(":application-inference-profile/", StringComparison.Ordinal) ? AssetTypes.Endpoint : AssetTypes.GenerativeModel, model);
        }

        string prefix = model.Split('.')[0];
        return InferenceProfilePrefixes.Contains(prefix)
            ? (AssetTypes.Endpoint, $"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:inference-profile/{model}")
            : (AssetTypes.GenerativeModel, $"arn:{scan.Partition}:bedrock:{scan.Region}::foundation-model/{model}");
    }

    private static readonly HashSet<string> InferenceProfilePrefixes = new(["us", "eu", "apac", "global", "us-gov", "jp", "au", "ca"], StringComparer.Ordinal);

    private static string KnowledgeBaseArn(AwsScan scan, string id) => $"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:knowledge-base/{id}";

    private Task ListAsync(AwsScan scan, string operation, string path, Func<JsonElement, Task> onPage, CancellationToken cancellationToken) =>
        AwsJson.ForEachPageAsync(operation, "nextToken", token =>
        {
            var body = new JsonObject { ["maxResults"] = 100 };
            if (token is not null)
            {
                body["nextToken"] = token;
            }

            return api.CallRestAsync(service, scan.Region, operation, HttpMethod.Post, path, body, cancellationToken);
        }, onPage);
}

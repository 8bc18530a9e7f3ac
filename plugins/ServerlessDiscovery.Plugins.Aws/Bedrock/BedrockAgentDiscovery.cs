using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Bedrock;

/// <summary>
/// Agents for Amazon Bedrock (REST-JSON, bedrock-agent.{region}.amazonaws.com): agents with the model, action groups
/// (tools) and knowledge bases each uses, the account's knowledge bases and their data sources, flows and prompts.
/// </summary>
internal sealed class BedrockAgentDiscovery(AwsApiClient api, AwsService service) : IAwsServiceDiscovery
{
    private readonly BedrockFlowDiscovery _flows = new(api, service);

    public const string EndpointField = "bedrock_agent_endpoint";
    public const string DefaultEndpoint = "https://bedrock-agent.{region}.amazonaws.com";

    /// <summary>The working draft: read only when no alias routes to a numbered version.</summary>
    private const string DraftVersion = "DRAFT";

    public AwsService Service => service;

    // Agents for Amazon Bedrock signs as "bedrock".
    public static AwsService CreateService(string endpointTemplate) => new("bedrock-agent", "bedrock", endpointTemplate);

    public async Task VerifyAsync(string region, CancellationToken cancellationToken)
    {
        using JsonDocument _ = await api.CallRestAsync(service, region, "ListAgents", HttpMethod.Post, "agents/", new JsonObject { ["maxResults"] = 1 }, cancellationToken);
    }

    public async Task DiscoverAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var knowledgeBases = new List<string>();
        await ListAsync(scan, "ListKnowledgeBases", "knowledgebases/", async page =>
        {
            foreach (JsonElement kb in AwsJson.Items(page, "knowledgeBaseSummaries", "ListKnowledgeBases"))
            {
                string id = AwsJson.RequiredString(kb, "knowledgeBaseId", "ListKnowledgeBases");
                knowledgeBases.Add(id);
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
            try
            {
                await AgentAsync(scan, agentId, cancellationToken);
            }
            catch (ProviderException ex) when (AwsJson.IsItemUnreadable(ex))
            {
                // Deleted between the listing and the read, or refused as invalid: its siblings are still reported.
                scan.Warn($"agent {agentId} could not be read ({ex.Message})");
            }
        }

        await _flows.DataSourcesAsync(scan, knowledgeBases, cancellationToken);
        await _flows.PromptsAsync(scan, cancellationToken);
        await _flows.FlowsAsync(scan, cancellationToken);
    }

    private async Task AgentAsync(AwsScan scan, string agentId, CancellationToken cancellationToken)
    {
        // The summary lacks the ARN and the model; GetAgent has both.
        string agentPath = $"agents/{Uri.EscapeDataString(agentId)}/";
        using JsonDocument detail = await api.CallRestAsync(service, scan.Region, "GetAgent", HttpMethod.Get, agentPath, null, cancellationToken);
        JsonElement agent = AwsJson.Object(detail.RootElement, "agent") ?? throw new ProviderException("GetAgent returned no 'agent'.");
        string arn = AwsJson.String(agent, "agentArn") ?? $"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:agent/{agentId}";

        // What callers reach is what the aliases route to; DRAFT only when no alias serves a numbered version.
        var aliases = new List<(string Arn, string Name, JsonObject Attributes)>();
        var served = new SortedSet<string>(StringComparer.Ordinal);
        await ListAsync(scan, "ListAgentAliases", agentPath + "agentaliases/", page =>
        {
            foreach (JsonElement alias in AwsJson.Items(page, "agentAliasSummaries", "ListAgentAliases"))
            {
                string aliasId = AwsJson.RequiredString(alias, "agentAliasId", "ListAgentAliases");
                string[] routed = [.. AwsJson.Items(alias, "routingConfiguration", "ListAgentAliases").Select(r => AwsJson.String(r, "agentVersion")).OfType<string>()];
                served.UnionWith(routed);
                JsonObject aliasAttributes = AwsJson.Attributes(alias, "agentAliasId", "agentAliasStatus", "description", "aliasInvocationState");
                aliasAttributes["agent_versions"] = new JsonArray([.. routed.Select(v => (JsonNode?)JsonValue.Create(v))]);
                aliases.Add(($"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:agent-alias/{agentId}/{aliasId}", AwsJson.String(alias, "agentAliasName") ?? aliasId, aliasAttributes));
            }

            return Task.CompletedTask;
        }, cancellationToken);
        served.Remove(DraftVersion);
        string[] versions = served.Count > 0 ? [.. served] : [DraftVersion];

        JsonObject attributes = AwsJson.Attributes(agent, "agentId", "agentStatus", "foundationModel", "description", "agentVersion", "orchestrationType", "agentCollaboration");
        attributes["region"] = scan.Region;
        attributes["served_versions"] = new JsonArray([.. versions.Select(v => (JsonNode?)JsonValue.Create(v))]);
        await scan.AddAsync(AssetTypes.Agent, arn, AwsJson.String(agent, "agentName") ?? agentId, attributes, cancellationToken);
        foreach ((string aliasArn, string aliasName, JsonObject alias) in aliases)
        {
            alias["region"] = scan.Region;
            alias["agent_id"] = agentId;
            alias["kind"] = "agent_alias";
            await scan.AddAsync(AssetTypes.Endpoint, aliasArn, aliasName, alias, cancellationToken);
            await scan.LinkAsync(AssetTypes.Endpoint, aliasArn, Relationships.Serves, AssetTypes.Agent, arn, cancellationToken);
        }

        bool supervisor = AwsJson.String(agent, "agentCollaboration") is "SUPERVISOR" or "SUPERVISOR_ROUTER";
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (string version in versions)
        {
            if (version == DraftVersion)
            {
                models.Add(AwsJson.String(agent, "foundationModel") ?? string.Empty);
            }
            else
            {
                using JsonDocument versionDetail = await api.CallRestAsync(service, scan.Region, "GetAgentVersion", HttpMethod.Get, $"{agentPath}agentversions/{Uri.EscapeDataString(version)}/", null, cancellationToken);
                JsonElement agentVersion = AwsJson.Object(versionDetail.RootElement, "agentVersion") ?? throw new ProviderException("GetAgentVersion returned no 'agentVersion'.");
                models.Add(AwsJson.String(agentVersion, "foundationModel") ?? string.Empty);
                supervisor |= AwsJson.String(agentVersion, "agentCollaboration") is "SUPERVISOR" or "SUPERVISOR_ROUTER";
            }

            await VersionToolsAsync(scan, agentId, arn, version, supervisor, cancellationToken);
        }

        foreach (string model in models.Where(m => m.Length > 0))
        {
            (string targetType, string targetId) = ModelTarget(scan, model);
            await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.UsesModel, targetType, targetId, cancellationToken);
        }
    }

    /// <summary>The action groups, knowledge bases and (for a supervisor) collaborator agents of one agent version.</summary>
    private async Task VersionToolsAsync(AwsScan scan, string agentId, string arn, string version, bool supervisor, CancellationToken cancellationToken)
    {
        string versionPath = $"agents/{Uri.EscapeDataString(agentId)}/agentversions/{Uri.EscapeDataString(version)}/";
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

        if (!supervisor)
        {
            return;
        }

        await ListAsync(scan, "ListAgentCollaborators", versionPath + "agentcollaborators/", async page =>
        {
            foreach (JsonElement collaborator in AwsJson.Items(page, "agentCollaboratorSummaries", "ListAgentCollaborators"))
            {
                // The collaborator is named by its alias ARN: arn:…:agent-alias/{agentId}/{aliasId}.
                if (AwsJson.Object(collaborator, "agentDescriptor") is { } descriptor && AwsJson.String(descriptor, "aliasArn") is { } aliasArn
                    && AgentOfAlias(aliasArn) is { } collaboratorArn)
                {
                    await scan.LinkAsync(AssetTypes.Agent, arn, Relationships.DelegatesTo, AssetTypes.Agent, collaboratorArn, cancellationToken);
                }
            }
        }, cancellationToken);
    }

    /// <summary>arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGENT/ALIAS → arn:aws:bedrock:us-east-1:111122223333:agent/AGENT.</summary>
    internal static string? AgentOfAlias(string aliasArn)
    {
        int marker = aliasArn.IndexOf(":agent-alias/", StringComparison.Ordinal);
        if (marker < 0)
        {
            return null;
        }

        string[] parts = aliasArn[(marker + ":agent-alias/".Length)..].Split('/');
        return parts[0].Length > 0 ? $"{aliasArn[..marker]}:agent/{parts[0]}" : null;
    }

    /// <summary>
    /// An agent names its model by ARN, model id or cross-region inference profile id ("us.anthropic..."); ids become the
    /// ARNs Bedrock's own listings report (foundation model, or inference profile: an endpoint here), so edges meet those assets.
    /// </summary>
    internal static (string Type, string Id) ModelTarget(AwsScan scan, string model)
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

    internal static string KnowledgeBaseArn(AwsScan scan, string id) => $"arn:{scan.Partition}:bedrock:{scan.Region}:{scan.Account}:knowledge-base/{id}";

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

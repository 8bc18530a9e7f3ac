using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Http;
using ServerlessDiscovery.Plugins.Aws.Scanning;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Aws.Bedrock;

/// <summary>
/// The rest of the Bedrock agent estate, part of the bedrock-agent scope (botocore bedrock-agent 2023-06-05): the data
/// sources of each knowledge base, prompts (Prompt management) with their models, and flows with their aliases and the
/// models, agents, knowledge bases and prompts the nodes of their served versions reference.
/// </summary>
internal sealed class BedrockFlowDiscovery(AwsApiClient api, AwsService service)
{
    private const string DraftVersion = "DRAFT";

    /// <summary>ListDataSources (POST /knowledgebases/{id}/datasources/, paged in the body) per knowledge base.</summary>
    public async Task DataSourcesAsync(AwsScan scan, IEnumerable<string> knowledgeBaseIds, CancellationToken cancellationToken)
    {
        foreach (string kbId in knowledgeBaseIds)
        {
            string kbArn = BedrockAgentDiscovery.KnowledgeBaseArn(scan, kbId);
            await scan.ReadItemAsync($"knowledge base {kbId}", () => AwsJson.ForEachPageAsync("ListDataSources", "nextToken", token =>
            {
                var body = new JsonObject { ["maxResults"] = 100 };
                if (token is not null)
                {
                    body["nextToken"] = token;
                }

                return api.CallRestAsync(service, scan.Region, "ListDataSources", HttpMethod.Post, $"knowledgebases/{Uri.EscapeDataString(kbId)}/datasources/", body, cancellationToken);
            }, async page =>
            {
                foreach (JsonElement source in AwsJson.Items(page, "dataSourceSummaries", "ListDataSources"))
                {
                    string sourceId = AwsJson.RequiredString(source, "dataSourceId", "ListDataSources");
                    // Data sources have no ARN; this id extends the knowledge base's ARN the way AWS names sub-resources.
                    string id = $"{kbArn}/data-source/{sourceId}";
                    JsonObject attributes = AwsJson.Attributes(source, "dataSourceId", "status", "description");
                    attributes["knowledge_base_id"] = kbId;
                    await AddAsync(scan, AssetTypes.DownstreamSystem, id, AwsJson.String(source, "name") ?? sourceId, attributes, "knowledge_base_data_source", cancellationToken);
                    await scan.LinkAsync(AssetTypes.DownstreamSystem, kbArn, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, id, cancellationToken);
                }
            }));
        }
    }

    /// <summary>ListPrompts (GET /prompts/), then GetPrompt (the draft) for the models of its variants.</summary>
    public async Task PromptsAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var prompts = new List<(string Id, string Arn, string Name, JsonObject Attributes)>();
        await ListAsync(scan, "ListPrompts", "prompts/", "promptSummaries", prompt =>
        {
            string id = AwsJson.RequiredString(prompt, "id", "ListPrompts");
            string arn = PromptArn(AwsJson.RequiredString(prompt, "arn", "ListPrompts"));
            prompts.Add((id, arn, AwsJson.String(prompt, "name") ?? id, AwsJson.Attributes(prompt, "id", "version", "description")));
            return Task.CompletedTask;
        }, cancellationToken);

        foreach ((string id, string arn, string name, JsonObject attributes) in prompts)
        {
            await AddAsync(scan, AssetTypes.Function, arn, name, attributes, "prompt", cancellationToken);
            await scan.ReadItemAsync($"prompt {id}", async () =>
            {
                using JsonDocument detail = await api.CallRestAsync(service, scan.Region, "GetPrompt", HttpMethod.Get, $"prompts/{Uri.EscapeDataString(id)}/", null, cancellationToken);
                var models = new SortedSet<string>(StringComparer.Ordinal);
                foreach (JsonElement variant in AwsJson.Items(detail.RootElement, "variants", "GetPrompt"))
                {
                    if (AwsJson.String(variant, "modelId") is { Length: > 0 } model)
                    {
                        models.Add(model);
                    }
                }

                foreach (string model in models)
                {
                    (string type, string target) = BedrockAgentDiscovery.ModelTarget(scan, model);
                    await scan.LinkAsync(AssetTypes.Function, arn, Relationships.UsesModel, type, target, cancellationToken);
                }
            });
        }
    }

    /// <summary>
    /// ListFlows, ListFlowAliases per flow, then the definition of each version an alias routes to (GetFlowVersion), or
    /// of the working draft (GetFlow) when no alias routes to a numbered version.
    /// </summary>
    public async Task FlowsAsync(AwsScan scan, CancellationToken cancellationToken)
    {
        var flows = new List<(string Id, string Arn, string Name, JsonObject Attributes)>();
        await ListAsync(scan, "ListFlows", "flows/", "flowSummaries", flow =>
        {
            string id = AwsJson.RequiredString(flow, "id", "ListFlows");
            flows.Add((id, AwsJson.RequiredString(flow, "arn", "ListFlows"), AwsJson.String(flow, "name") ?? id, AwsJson.Attributes(flow, "id", "status", "version", "description")));
            return Task.CompletedTask;
        }, cancellationToken);

        foreach ((string id, string arn, string name, JsonObject attributes) in flows)
        {
            await scan.ReadItemAsync($"flow {id}", () => FlowAsync(scan, id, arn, name, attributes, cancellationToken));
        }
    }

    private async Task FlowAsync(AwsScan scan, string flowId, string arn, string name, JsonObject attributes, CancellationToken cancellationToken)
    {
        string flowPath = $"flows/{Uri.EscapeDataString(flowId)}/";
        var aliases = new List<(string Arn, string Name, JsonObject Attributes)>();
        var served = new SortedSet<string>(StringComparer.Ordinal);
        await ListAsync(scan, "ListFlowAliases", flowPath + "aliases", "flowAliasSummaries", alias =>
        {
            string aliasArn = AwsJson.RequiredString(alias, "arn", "ListFlowAliases");
            string[] routed = [.. AwsJson.Items(alias, "routingConfiguration", "ListFlowAliases").Select(r => AwsJson.String(r, "flowVersion")).OfType<string>()];
            served.UnionWith(routed);
            JsonObject aliasAttributes = AwsJson.Attributes(alias, "id", "description");
            aliasAttributes["flow_id"] = flowId;
            aliasAttributes["flow_versions"] = new JsonArray([.. routed.Select(v => (JsonNode?)JsonValue.Create(v))]);
            aliases.Add((aliasArn, AwsJson.String(alias, "name") ?? aliasArn, aliasAttributes));
            return Task.CompletedTask;
        }, cancellationToken);
        served.Remove(DraftVersion);
        string[] versions = served.Count > 0 ? [.. served] : [DraftVersion];

        attributes["served_versions"] = new JsonArray([.. versions.Select(v => (JsonNode?)JsonValue.Create(v))]);
        await AddAsync(scan, AssetTypes.Agent, arn, name, attributes, "flow", cancellationToken);
        foreach ((string aliasArn, string aliasName, JsonObject alias) in aliases)
        {
            await AddAsync(scan, AssetTypes.Endpoint, aliasArn, aliasName, alias, "flow_alias", cancellationToken);
            await scan.LinkAsync(AssetTypes.Endpoint, aliasArn, Relationships.Serves, AssetTypes.Agent, arn, cancellationToken);
        }

        var edges = new HashSet<(string Relationship, string Type, string Id)>();
        foreach (string version in versions)
        {
            (string operation, string path) = version == DraftVersion
                ? ("GetFlow", flowPath)
                : ("GetFlowVersion", $"{flowPath}versions/{Uri.EscapeDataString(version)}/");
            using JsonDocument detail = await api.CallRestAsync(service, scan.Region, operation, HttpMethod.Get, path, null, cancellationToken);
            IEnumerable<JsonElement> nodes = AwsJson.Object(detail.RootElement, "definition") is { } definition ? AwsJson.Items(definition, "nodes", operation) : [];
            foreach (JsonElement node in nodes)
            {
                edges.UnionWith(NodeReferences(scan, node));
            }
        }

        foreach ((string relationship, string type, string target) in edges.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            await scan.LinkAsync(AssetTypes.Agent, arn, relationship, type, target, cancellationToken);
        }
    }

    /// <summary>What one flow node calls: a prompt (managed or inline with its model), a knowledge base (and its model), an agent.</summary>
    private static IEnumerable<(string Relationship, string Type, string Id)> NodeReferences(AwsScan scan, JsonElement node)
    {
        if (AwsJson.Object(node, "configuration") is not { } configuration)
        {
            yield break;
        }

        if (AwsJson.Object(configuration, "prompt") is { } prompt && AwsJson.Object(prompt, "sourceConfiguration") is { } source)
        {
            if (AwsJson.Object(source, "resource") is { } resource && AwsJson.String(resource, "promptArn") is { Length: > 0 } promptArn)
            {
                yield return (Relationships.ConnectsTo, AssetTypes.Function, PromptArn(promptArn));
            }

            if (AwsJson.Object(source, "inline") is { } inline && AwsJson.String(inline, "modelId") is { Length: > 0 } model)
            {
                (string type, string id) = BedrockAgentDiscovery.ModelTarget(scan, model);
                yield return (Relationships.UsesModel, type, id);
            }
        }

        if (AwsJson.Object(configuration, "knowledgeBase") is { } kb)
        {
            if (AwsJson.String(kb, "knowledgeBaseId") is { Length: > 0 } kbId)
            {
                yield return (Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, BedrockAgentDiscovery.KnowledgeBaseArn(scan, kbId));
            }

            if (AwsJson.String(kb, "modelId") is { Length: > 0 } model)
            {
                (string type, string id) = BedrockAgentDiscovery.ModelTarget(scan, model);
                yield return (Relationships.UsesModel, type, id);
            }
        }

        if (AwsJson.Object(configuration, "agent") is { } agent && AwsJson.String(agent, "agentAliasArn") is { Length: > 0 } aliasArn
            && BedrockAgentDiscovery.AgentOfAlias(aliasArn) is { } agentArn)
        {
            yield return (Relationships.DelegatesTo, AssetTypes.Agent, agentArn);
        }
    }

    /// <summary>A prompt ARN may name a version (…:prompt/ID:3); the asset is the prompt itself.</summary>
    private static string PromptArn(string arn)
    {
        int slash = arn.LastIndexOf(":prompt/", StringComparison.Ordinal);
        int colon = slash < 0 ? -1 : arn.IndexOf(':', slash + ":prompt/".Length);
        return colon < 0 ? arn : arn[..colon];
    }

    /// <summary>A GET listing paged with maxResults/nextToken in the query string (ListFlows, ListFlowAliases, ListPrompts).</summary>
    private Task ListAsync(AwsScan scan, string operation, string path, string itemsName, Func<JsonElement, Task> onItem, CancellationToken cancellationToken) =>
        AwsJson.ForEachPageAsync(operation, "nextToken", token =>
            api.CallRestAsync(service, scan.Region, operation, HttpMethod.Get, token is null ? $"{path}?maxResults=100" : $"{path}?maxResults=100&nextToken={Uri.EscapeDataString(token)}", null, cancellationToken),
            async page =>
            {
                foreach (JsonElement item in AwsJson.Items(page, itemsName, operation))
                {
                    await onItem(item);
                }
            });

    private static ValueTask AddAsync(AwsScan scan, string type, string id, string name, JsonObject attributes, string kind, CancellationToken cancellationToken)
    {
        attributes["region"] = scan.Region;
        attributes["kind"] = kind;
        return scan.AddAsync(type, id, name, attributes, cancellationToken);
    }
}

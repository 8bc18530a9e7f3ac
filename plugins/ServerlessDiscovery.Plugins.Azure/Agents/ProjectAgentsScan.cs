using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Azure.Arm;
using ServerlessDiscovery.Plugins.Azure.Discovery;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Agents;

/// <summary>
/// The agents of one Foundry project, from its data plane (ListAgents), each with edges to the model deployment it
/// uses and to its tools: vector stores (file_search), AI Search connections, MCP servers, OpenAPI tools, tools backed
/// by project connections (Bing, SharePoint, Fabric) and connected agents. Scope: azure:{project id}:agents.
/// </summary>
internal sealed class ProjectAgentsScan(FoundryAgentsClient client, IDiscoverySink sink, ArmResource account, ArmResource project)
{
    public string Scope => ScopeOf(project);

    public static string ScopeOf(ArmResource project) => $"azure:{project.AssetId}:agents";

    /// <summary>The data plane answers 404 for a project whose Agent Service is not set up (no capability host): nothing to read.</summary>
    public static bool IsUnavailable(ProviderException ex) => ex.Status == 404 || AzureAiFoundryPlugin.IsUnavailable(ex);

    public async Task ScanAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        Uri endpoint = client.ProjectEndpoint(project)
            ?? throw new ScopeUnavailableException($"Foundry project {project.Name} has no 'AI Foundry API' endpoint on *.services.ai.azure.com.");
        await foreach (JsonElement agent in client.ListAgentsAsync(endpoint, cancellationToken).ConfigureAwait(false))
        {
            string label = Text(agent, "id") is { Length: > 0 } id ? id : Text(agent, "name") ?? "(no id)";
            await run.ItemAsync($"agent {label} of project {project.Name}", ct => AddAgentAsync(agent, ct), cancellationToken).ConfigureAwait(false);
        }
    }

    private string AgentId(string id) => $"{project.AssetId}/assistants/{id.ToLowerInvariant()}";

    private string ConnectionId(string connection) => $"{project.AssetId}/connections/{connection.TrimEnd('/').Split('/')[^1].ToLowerInvariant()}";

    private async Task AddAgentAsync(JsonElement agent, CancellationToken cancellationToken)
    {
        string id = Required("Azure", "ListAgents", agent, "id");
        string assetId = AgentId(id);
        string? model = Text(agent, "model");
        var toolTypes = new JsonArray();
        foreach (JsonElement tool in Array(agent, "tools"))
        {
            toolTypes.Add(Text(tool, "type"));
        }

        // Instructions and metadata are the author's free text (they may hold anything); only the agent's shape is kept.
        var attributes = new JsonObject
        {
            ["project_id"] = project.AssetId,
            ["kind"] = "foundry_agent_service",
            ["agent_id"] = id,
            ["description"] = Text(agent, "description"),
            ["model"] = model,
            ["tools"] = toolTypes,
        };
        await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, assetId, Text(agent, "name") ?? id, Scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
        await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, project.AssetId, Relationships.Contains, AssetTypes.Agent, assetId, Scope), cancellationToken).ConfigureAwait(false);

        // "model" is a deployment name of the project's account ("connection/deployment" names one elsewhere: not linked).
        if (model is { Length: > 0 } && !model.Contains('/', StringComparison.Ordinal))
        {
            await EdgeAsync(assetId, Relationships.UsesModel, AssetTypes.Deployment, $"{account.AssetId}/deployments/{model.ToLowerInvariant()}", cancellationToken).ConfigureAwait(false);
        }

        foreach (JsonElement tool in Array(agent, "tools"))
        {
            await AddToolAsync(assetId, tool, cancellationToken).ConfigureAwait(false);
        }

        JsonElement resources = Object(agent, "tool_resources");
        foreach (JsonElement store in Array(Object(resources, "file_search"), "vector_store_ids"))
        {
            if (store.ValueKind == JsonValueKind.String && store.GetString() is { Length: > 0 } storeId)
            {
                string storeAssetId = $"{project.AssetId}/vectorstores/{storeId.ToLowerInvariant()}";
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, storeAssetId, storeId, Scope)
                {
                    Attributes = new JsonObject { ["project_id"] = project.AssetId, ["kind"] = "foundry_vector_store", ["vector_store_id"] = storeId },
                }, cancellationToken).ConfigureAwait(false);
                await EdgeAsync(assetId, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, storeAssetId, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (JsonElement index in Array(Object(resources, "azure_ai_search"), "indexes"))
        {
            if (Text(index, "index_connection_id") is { Length: > 0 } connection)
            {
                await EdgeAsync(assetId, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, ConnectionId(connection), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AddToolAsync(string agentId, JsonElement tool, CancellationToken cancellationToken)
    {
        string? type = Text(tool, "type");
        switch (type)
        {
            case "mcp":
                // The URL's query string may carry a key; only scheme, host and path name the server.
                if (StoredUrls.WithoutQuery(Text(tool, "server_url")) is { Length: > 0 } server)
                {
                    string serverId = server.ToLowerInvariant();
                    await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.McpServer, serverId, Text(tool, "server_label") ?? server, Scope)
                    {
                        Attributes = new JsonObject { ["kind"] = "remote_mcp_server", ["server_url"] = server, ["server_label"] = Text(tool, "server_label") },
                    }, cancellationToken).ConfigureAwait(false);
                    await EdgeAsync(agentId, Relationships.UsesTool, AssetTypes.McpServer, serverId, cancellationToken).ConfigureAwait(false);
                }

                break;
            case "openapi":
                JsonElement openApi = Object(tool, "openapi");
                if (Text(openApi, "name") is { Length: > 0 } name)
                {
                    string toolId = $"{agentId}/tools/openapi/{name.ToLowerInvariant()}";
                    JsonElement auth = Object(openApi, "auth");
                    await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Tool, toolId, name, Scope)
                    {
                        Attributes = new JsonObject { ["kind"] = "openapi", ["description"] = Text(openApi, "description"), ["auth_type"] = Text(auth, "type") },
                    }, cancellationToken).ConfigureAwait(false);
                    await EdgeAsync(agentId, Relationships.UsesTool, AssetTypes.Tool, toolId, cancellationToken).ConfigureAwait(false);
                    if (Text(Object(auth, "security_scheme"), "connection_id") is { Length: > 0 } connection)
                    {
                        await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Tool, toolId, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, ConnectionId(connection), Scope), cancellationToken).ConfigureAwait(false);
                    }
                }

                break;
            case "connected_agent":
                if (Text(Object(tool, "connected_agent"), "id") is { Length: > 0 } other)
                {
                    await EdgeAsync(agentId, Relationships.DelegatesTo, AssetTypes.Agent, AgentId(other), cancellationToken).ConfigureAwait(false);
                }

                break;
            case not null:
                // Bing grounding, SharePoint, Fabric and other connection-backed tools: {type: {connections: [{connection_id}]}}.
                foreach (JsonElement connection in Array(Object(tool, type), "connections"))
                {
                    if (Text(connection, "connection_id") is { Length: > 0 } connectionId)
                    {
                        await EdgeAsync(agentId, Relationships.UsesTool, AssetTypes.DownstreamSystem, ConnectionId(connectionId), cancellationToken).ConfigureAwait(false);
                    }
                }

                break;
        }
    }

    private ValueTask EdgeAsync(string agentId, string relationship, string targetType, string targetId, CancellationToken cancellationToken) =>
        sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, agentId, relationship, targetType, targetId, Scope), cancellationToken);
}

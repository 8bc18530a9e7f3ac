using System.Text.Json;
using System.Text.Json.Nodes;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Databricks.Discovery;

/// <summary>
/// Agent Bricks: knowledge assistants (knowledgeassistants.KnowledgeAssistantsAPI) and supervisor agents
/// (supervisoragents.SupervisorAgentsAPI), both Databricks REST 2.1. Their lists take page_size at most 100 (larger values
/// are coerced) and page with page_token / next_page_token.
/// </summary>
internal sealed partial class WorkspaceScan
{
    /// <summary>Agent Bricks lists coerce page_size above 100 to 100.</summary>
    private int AgentBricksPageSize => Math.Min(pageSize, 100);

    public string KnowledgeAssistantId(string id) => $"{host}/knowledge-assistants/{id}";

    /// <summary>
    /// ListKnowledgeAssistants (GET /api/2.1/knowledge-assistants) and, per assistant, ListKnowledgeSources
    /// (GET /api/2.1/knowledge-assistants/{id}/knowledge-sources). An assistant answers on its serving endpoint
    /// (endpoint_name); its sources are UC volumes (files), tables (file_table) or vector search indexes (index).
    /// State is not returned by List and is not asked for. One assistant whose sources cannot be listed is a warning.
    /// </summary>
    public async Task KnowledgeAssistantsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        await foreach (JsonElement assistant in client.ListAsync("ListKnowledgeAssistants", $"api/2.1/knowledge-assistants?page_size={AgentBricksPageSize}", "knowledge_assistants", cancellationToken).ConfigureAwait(false))
        {
            string id = Text(assistant, "id") ?? LastSegment(Required("ListKnowledgeAssistants", assistant, "name"));
            string assistantId = KnowledgeAssistantId(id);
            string? endpoint = Text(assistant, "endpoint_name");
            await run.Sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, assistantId, Text(assistant, "display_name") ?? id, run.Scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "knowledge_assistant",
                    ["knowledge_assistant_id"] = id,
                    ["description"] = Text(assistant, "description"),
                    ["creator"] = Text(assistant, "creator"),
                    ["endpoint_name"] = endpoint,
                    ["experiment_id"] = Text(assistant, "experiment_id"),
                },
            }, cancellationToken).ConfigureAwait(false);
            await ServedByEndpointAsync(run, endpoint, assistantId, cancellationToken).ConfigureAwait(false);

            string path = $"api/2.1/knowledge-assistants/{Uri.EscapeDataString(id)}/knowledge-sources?page_size={AgentBricksPageSize}";
            await run.ItemAsync($"knowledge sources of knowledge assistant {id}", async ct =>
            {
                await foreach (JsonElement source in client.ListAsync("ListKnowledgeSources", path, "knowledge_sources", ct).ConfigureAwait(false))
                {
                    await AddKnowledgeSourceAsync(run, assistantId, source, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AddKnowledgeSourceAsync(ScopeRun run, string assistantId, JsonElement source, CancellationToken cancellationToken)
    {
        string sourceId = Text(source, "id") ?? LastSegment(Required("ListKnowledgeSources", source, "name"));
        string id = $"{assistantId}/knowledge-sources/{sourceId}";
        string? indexName = Text(Object(source, "index"), "index_name");
        await run.Sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, id, Text(source, "display_name") ?? sourceId, run.Scope)
        {
            Attributes = new JsonObject
            {
                ["workspace"] = host,
                ["kind"] = "knowledge_source",
                ["source_type"] = Text(source, "source_type"),
                ["description"] = Text(source, "description"),
                ["state"] = Text(source, "state"),
                ["volume_path"] = Text(Object(source, "files"), "path"),
                ["table_name"] = Text(Object(source, "file_table"), "table_name"),
                ["index_name"] = indexName,
            },
        }, cancellationToken).ConfigureAwait(false);
        await run.Sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, assistantId, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, id, run.Scope), cancellationToken).ConfigureAwait(false);
        if (indexName is { Length: > 0 })
        {
            await run.Sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.DownstreamSystem, id, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, VectorSearchIndexId(indexName), run.Scope), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// ListSupervisorAgents (GET /api/2.1/supervisor-agents) and, per agent, ListTools
    /// (GET /api/2.1/supervisor-agents/{id}/tools): what the supervisor routes to. A Genie space, a knowledge assistant
    /// or an app is an agent it delegates to; a UC function a tool it uses; a UC connection (an external MCP server) a
    /// system it connects to. Other tool types (tables, volumes, dashboards, web search) are kept as attributes. One agent
    /// whose tools cannot be listed is a warning.
    /// </summary>
    public async Task SupervisorAgentsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        await foreach (JsonElement agent in client.ListAsync("ListSupervisorAgents", $"api/2.1/supervisor-agents?page_size={AgentBricksPageSize}", "supervisor_agents", cancellationToken).ConfigureAwait(false))
        {
            string id = Text(agent, "supervisor_agent_id") ?? Text(agent, "id") ?? LastSegment(Required("ListSupervisorAgents", agent, "name"));
            string agentId = $"{host}/supervisor-agents/{id}";
            string? endpoint = Text(agent, "endpoint_name");
            var edges = new List<(string Relationship, string Type, string Id)>();
            var tools = new JsonArray();
            bool toolsRead = await run.ItemAsync($"tools of supervisor agent {id}", async ct =>
            {
                string path = $"api/2.1/supervisor-agents/{Uri.EscapeDataString(id)}/tools?page_size={AgentBricksPageSize}";
                await foreach (JsonElement tool in client.ListAsync("ListTools", path, "tools", ct).ConfigureAwait(false))
                {
                    string type = Required("ListTools", tool, "tool_type");
                    (string Relationship, string Type, string Id)? edge = SupervisorToolEdge(type, tool);
                    tools.Add(new JsonObject
                    {
                        ["tool_id"] = Text(tool, "tool_id") ?? Text(tool, "id"),
                        ["tool_type"] = type,
                        ["description"] = Text(tool, "description"),
                        ["target"] = edge?.Id,
                    });
                    if (edge is { } e)
                    {
                        edges.Add(e);
                    }
                }
            }, cancellationToken).ConfigureAwait(false);

            await run.Sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, agentId, Text(agent, "display_name") ?? id, run.Scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "supervisor_agent",
                    ["supervisor_agent_id"] = id,
                    ["description"] = Text(agent, "description"),
                    ["creator"] = Text(agent, "creator"),
                    ["endpoint_name"] = endpoint,
                    ["experiment_id"] = Text(agent, "experiment_id"),
                    ["tools"] = toolsRead ? tools : null,
                },
            }, cancellationToken).ConfigureAwait(false);
            await ServedByEndpointAsync(run, endpoint, agentId, cancellationToken).ConfigureAwait(false);
            foreach ((string relationship, string type, string target) in edges.Distinct())
            {
                await run.Sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, agentId, relationship, type, target, run.Scope), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private (string Relationship, string Type, string Id)? SupervisorToolEdge(string type, JsonElement tool) => type switch
    {
        "genie_space" when (Text(Object(tool, "genie_space"), "space_id") ?? Text(Object(tool, "genie_space"), "id")) is { Length: > 0 } space
            => (Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/genie/spaces/{space}"),
        "knowledge_assistant" when Text(Object(tool, "knowledge_assistant"), "knowledge_assistant_id") is { Length: > 0 } assistant
            => (Relationships.DelegatesTo, AssetTypes.Agent, KnowledgeAssistantId(assistant)),
        "app" when Text(Object(tool, "app"), "name") is { Length: > 0 } app
            => (Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/apps/{app}"),
        "uc_function" when Text(Object(tool, "uc_function"), "name") is { Length: > 0 } function
            => (Relationships.UsesTool, AssetTypes.Tool, UnityCatalogFunctionId(function)),
        "uc_connection" when Text(Object(tool, "uc_connection"), "name") is { Length: > 0 } connection
            => (Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{host}/unity-catalog/connections/{connection.ToLowerInvariant()}"),
        _ => null,
    };

    /// <summary>An Agent Bricks agent answers on a serving endpoint it names; the endpoint itself belongs to the serving scope.</summary>
    private async Task ServedByEndpointAsync(ScopeRun run, string? endpoint, string agentId, CancellationToken cancellationToken)
    {
        if (endpoint is { Length: > 0 })
        {
            await run.Sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, ServingEndpointId(endpoint), Relationships.Serves, AssetTypes.Agent, agentId, run.Scope), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>"knowledge-assistants/{id}" → "{id}": the resource name's last segment.</summary>
    private static string LastSegment(string resourceName) => resourceName[(resourceName.LastIndexOf('/') + 1)..];
}

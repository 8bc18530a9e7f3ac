using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;
using ServerlessDiscovery.Plugins.LiteLlm.Api;
using ServerlessDiscovery.Plugins.Redaction;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.LiteLlm.Discovery;

/// <summary>
/// The proxy's agent registry, guardrails and vector stores. Each is a feature a proxy may not have: an older proxy
/// answers 404 for the route, one without a database cannot read what it keeps there. Both are "not available here".
/// </summary>
internal sealed partial class ProxyScan
{
    /// <summary>
    /// GET /v1/agents (litellm/proxy/agent_endpoints/endpoints.py get_agents): every agent the key may see, unpaged, as
    /// a list of AgentResponse (litellm/types/agents.py). An agent's object_permission names the model aliases, MCP
    /// servers and agents it may call; litellm_params.model, when it is an alias of this proxy, the model it runs on.
    /// </summary>
    public async Task AgentsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        using JsonDocument reply = await FeatureAsync("ListAgents", "v1/agents", "an agent registry", cancellationToken).ConfigureAwait(false);
        foreach (JsonElement agent in LiteLlmClient.Items("ListAgents", reply.RootElement, "agents"))
        {
            if (Text(agent, "agent_id") is not { Length: > 0 } agentId)
            {
                // One malformed entry (a config agent without an id) must not hide its siblings.
                sink.ScopeIncomplete(scope, $"LiteLLM ListAgents returned an agent without 'agent_id' ({Text(agent, "agent_name") ?? "unnamed"}).");
                continue;
            }

            string id = AgentId(agentId);
            JsonElement card = Object(agent, "agent_card_params");
            JsonElement permission = Object(agent, "object_permission");
            JsonElement parameters = Object(agent, "litellm_params");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, id, Text(agent, "agent_name") ?? Text(card, "name") ?? agentId, scope)
            {
                Attributes = new JsonObject
                {
                    ["proxy"] = proxy,
                    ["agent_id"] = agentId,
                    ["description"] = Text(card, "description"),
                    ["url"] = UrlRedaction.Redact(Text(card, "url")),
                    ["protocol_version"] = Text(card, "protocolVersion"),
                    ["skills"] = new JsonArray([.. Array(card, "skills").Select(s => Text(s, "name") ?? Text(s, "id")).OfType<string>().Select(s => (JsonNode?)JsonValue.Create(s))]),
                    ["model"] = Text(parameters, "model"),
                    ["enabled"] = Node(agent, "enabled"),
                    ["execution_mode"] = Text(agent, "execution_mode"),
                    ["tpm_limit"] = Node(agent, "tpm_limit"),
                    ["rpm_limit"] = Node(agent, "rpm_limit"),
                    ["models"] = Node(permission, "models"),
                    ["mcp_servers"] = Node(permission, "mcp_servers"),
                    ["agents"] = Node(permission, "agents"),
                },
            }, cancellationToken).ConfigureAwait(false);

            var aliases = new SortedSet<string>(StringComparer.Ordinal);
            if (Text(parameters, "model") is { Length: > 0 } model)
            {
                aliases.Add(model);
            }

            aliases.UnionWith(Array(permission, "models").Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!));
            foreach (string deploymentId in aliases.SelectMany(a => _aliases.TryGetValue(a, out List<string>? ids) ? ids : []).Distinct(StringComparer.Ordinal))
            {
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, id, Relationships.UsesModel, AssetTypes.Deployment, deploymentId, scope), cancellationToken).ConfigureAwait(false);
            }

            foreach (string serverId in Strings(permission, "mcp_servers"))
            {
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, id, Relationships.UsesTool, AssetTypes.McpServer, $"{proxy}/mcp/servers/{serverId}", scope), cancellationToken).ConfigureAwait(false);
            }

            foreach (string other in Strings(permission, "agents"))
            {
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, id, Relationships.DelegatesTo, AssetTypes.Agent, AgentId(other), scope), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// GET /v2/guardrails/list (litellm/proxy/guardrails/guardrail_endpoints.py list_guardrails_v2): the database's
    /// guardrails and those of config.yaml, each with guardrail_id, guardrail_name, masked litellm_params and
    /// guardrail_info; unpaged. Without a database it answers 500 "Prisma client not initialized", and a proxy older than
    /// v2 answers 404: then GET /guardrails/list (list_guardrails) lists those of config.yaml, by name only.
    /// </summary>
    public async Task GuardrailsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        JsonDocument reply;
        try
        {
            reply = await client.GetAsync("ListGuardrails", "v2/guardrails/list", cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Status == 404 || (ex.Status == 500 && NoDatabase(ex.Message)))
        {
            reply = await FeatureAsync("ListGuardrails", "guardrails/list", "guardrails", cancellationToken).ConfigureAwait(false);
        }

        using (reply)
        {
            foreach (JsonElement guardrail in LiteLlmClient.Items("ListGuardrails", reply.RootElement, "guardrails"))
            {
                string name = Required("ListGuardrails", guardrail, "guardrail_name");
                string guardrailId = Text(guardrail, "guardrail_id") ?? name;
                JsonElement parameters = Object(guardrail, "litellm_params");
                // litellm_params carry provider keys (masked, but partly shown): only the kind and mode are copied.
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Function, $"{proxy}/guardrails/{guardrailId}", name, scope)
                {
                    Attributes = new JsonObject
                    {
                        ["proxy"] = proxy,
                        ["kind"] = "guardrail",
                        ["guardrail_id"] = Text(guardrail, "guardrail_id"),
                        ["guardrail"] = Text(parameters, "guardrail"),
                        ["mode"] = Node(parameters, "mode"),
                        ["default_on"] = Node(parameters, "default_on"),
                        ["description"] = Text(Object(guardrail, "guardrail_info"), "description"),
                        ["definition_location"] = Text(guardrail, "guardrail_definition_location"),
                    },
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// GET /vector_store/list?page=&amp;page_size= (litellm/proxy/vector_store_endpoints/management_endpoints.py
    /// list_vector_stores): {"object": "list", "data": [...], "total_count", "current_page", "total_pages"}, the
    /// in-memory (config) stores and the database's. The route computes total_pages but returns every store on each page,
    /// so paging stops at total_pages or at a page that adds no new store.
    /// </summary>
    public async Task VectorStoresAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int page = 1; ; page++)
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"vector_store/list?page={page}&page_size={pageSize}");
            using JsonDocument reply = await FeatureAsync("ListVectorStores", path, "vector stores", cancellationToken).ConfigureAwait(false);
            int added = 0;
            foreach (JsonElement store in LiteLlmClient.Items("ListVectorStores", reply.RootElement, "data"))
            {
                string storeId = Required("ListVectorStores", store, "vector_store_id");
                if (!seen.Add(storeId))
                {
                    continue;
                }

                added++;
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, $"{proxy}/vector_stores/{storeId}", Text(store, "vector_store_name") ?? storeId, scope)
                {
                    Attributes = new JsonObject
                    {
                        ["proxy"] = proxy,
                        ["kind"] = "vector_store",
                        ["vector_store_id"] = storeId,
                        ["provider"] = Text(store, "custom_llm_provider"),
                        ["description"] = Text(store, "vector_store_description"),
                        ["credential_name"] = Text(store, "litellm_credential_name"),
                    },
                }, cancellationToken).ConfigureAwait(false);
            }

            JsonElement root = reply.RootElement;
            int totalPages = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("total_pages", out JsonElement t) && t.TryGetInt32(out int tp) ? tp : 1;
            if (added == 0 || page >= totalPages)
            {
                return;
            }
        }
    }

    /// <summary>A route of an optional feature: 404 (an older proxy) or no database means "not available here".</summary>
    private async Task<JsonDocument> FeatureAsync(string operation, string pathAndQuery, string feature, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(operation, pathAndQuery, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Status == 404)
        {
            throw new ScopeUnavailableException($"This LiteLLM proxy has no {feature} (GET /{pathAndQuery.Split('?')[0]} answered 404).", ex);
        }
        catch (ProviderException ex) when (ex.Status is 400 or 500 && NoDatabase(ex.Message))
        {
            throw new ScopeUnavailableException($"LiteLLM runs without a database (DB not connected): it keeps no {feature}.", ex);
        }
    }

    private string AgentId(string agentId) => $"{proxy}/agents/{agentId}";

    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        Array(element, name).Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).Where(v => v.Length > 0);
}

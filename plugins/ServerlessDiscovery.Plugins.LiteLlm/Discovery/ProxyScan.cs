using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;
using ServerlessDiscovery.Plugins.LiteLlm.Api;
using ServerlessDiscovery.Plugins.Redaction;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.LiteLlm.Discovery;

/// <summary>
/// Reads one family of a proxy into the sink. Ids are "{proxy host:port}/{kind}/{LiteLLM's own id}"; the provider
/// models behind aliases use the trace identity "{provider}/{model}". Only whitelisted fields are copied: model
/// parameters and MCP server records can hold provider keys and headers.
/// </summary>
internal sealed partial class ProxyScan(LiteLlmClient client, string proxy, int pageSize)
{
    /// <summary>Alias to the deployment ids serving it, filled by the models scope, used to link owners to models.</summary>
    private readonly Dictionary<string, List<string>> _aliases = new(StringComparer.Ordinal);

    private static string Required(string operation, JsonElement element, string name) => JsonFields.Required("LiteLLM", operation, element, name);

    public async Task ModelsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        using JsonDocument reply = await client.GetAsync("ModelInfo", "model/info", cancellationToken).ConfigureAwait(false);
        var models = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement entry in LiteLlmClient.Items("ModelInfo", reply.RootElement, "data"))
        {
            string alias = Required("ModelInfo", entry, "model_name");
            JsonElement parameters = Object(entry, "litellm_params");
            JsonElement info = Object(entry, "model_info");
            string underlying = Required("ModelInfo", parameters, "model");
            string deploymentId = $"{proxy}/model/{Text(info, "id") ?? $"{alias}/{underlying}"}";
            (string provider, string modelName) = SplitModel(underlying, Text(info, "litellm_provider"), Text(info, "base_model"));

            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Deployment, deploymentId, alias, scope)
            {
                Attributes = new JsonObject
                {
                    ["proxy"] = proxy,
                    ["alias"] = alias,
                    ["litellm_model"] = underlying,
                    ["provider"] = provider,
                    ["api_base"] = UrlRedaction.Redact(Text(parameters, "api_base")),
                    ["api_version"] = Text(parameters, "api_version"),
                    ["tpm"] = Node(parameters, "tpm") ?? Node(info, "tpm"),
                    ["rpm"] = Node(parameters, "rpm") ?? Node(info, "rpm"),
                    ["max_tokens"] = Node(info, "max_tokens"),
                    ["max_input_tokens"] = Node(info, "max_input_tokens"),
                    ["max_output_tokens"] = Node(info, "max_output_tokens"),
                    ["mode"] = Text(info, "mode"),
                    ["db_model"] = Node(info, "db_model"),
                    ["team_id"] = Text(info, "team_id"),
                },
            }, cancellationToken).ConfigureAwait(false);

            string modelId = $"{provider}/{modelName}".ToLowerInvariant();
            if (models.Add(modelId))
            {
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, modelName, scope)
                {
                    Attributes = new JsonObject { ["provider"] = provider },
                }, cancellationToken).ConfigureAwait(false);
            }

            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Deployment, deploymentId, Relationships.Serves, AssetTypes.Model, modelId, scope), cancellationToken).ConfigureAwait(false);
            if (!_aliases.TryGetValue(alias, out List<string>? ids))
            {
                _aliases[alias] = ids = [];
            }

            ids.Add(deploymentId);
        }
    }

    /// <summary>"azure/my-deployment" with base_model "gpt-4o" is (azure, gpt-4o); "openai/gpt-4o" is (openai, gpt-4o).</summary>
    private static (string Provider, string Model) SplitModel(string model, string? provider, string? baseModel)
    {
        int slash = model.IndexOf('/', StringComparison.Ordinal);
        string prefix = slash > 0 ? model[..slash] : string.Empty;
        string rest = slash > 0 ? model[(slash + 1)..] : model;
        string p = provider ?? (prefix.Length > 0 ? prefix : "unknown");
        string name = baseModel ?? (string.Equals(prefix, p, StringComparison.OrdinalIgnoreCase) ? rest : model);
        return (p, name);
    }

    public async Task McpAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        using JsonDocument servers = await client.GetAsync("ListMcpServers", "v1/mcp/server", cancellationToken).ConfigureAwait(false);
        foreach (JsonElement server in LiteLlmClient.Items("ListMcpServers", servers.RootElement, "data"))
        {
            string serverId = Required("ListMcpServers", server, "server_id");
            string name = Text(server, "server_name") ?? Text(server, "alias") ?? serverId;
            string serverAssetId = $"{proxy}/mcp/servers/{serverId}";
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.McpServer, serverAssetId, name, scope)
            {
                Attributes = new JsonObject
                {
                    ["proxy"] = proxy,
                    ["server_id"] = serverId,
                    ["alias"] = Text(server, "alias"),
                    ["description"] = Text(server, "description"),
                    ["url"] = Text(server, "url"),
                    ["transport"] = Text(server, "transport"),
                    ["auth_type"] = Text(server, "auth_type"),
                    ["allowed_tools"] = Node(server, "allowed_tools"),
                    ["teams"] = Node(server, "teams"),
                },
            }, cancellationToken).ConfigureAwait(false);

            JsonDocument tools;
            try
            {
                tools = await client.GetAsync("ListMcpTools", $"mcp-rest/tools/list?server_id={Uri.EscapeDataString(serverId)}", cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex) when (ex.Status is 404 or >= 500)
            {
                // 404: the server vanished between the two calls; 5xx after retries: its upstream broke the handler.
                // Refusals of the key (401/403) still fail the scope: they would hold for every server.
                sink.ScopeIncomplete(scope, $"LiteLLM ListMcpTools for server '{name}' ({serverId}) failed: {ex.Message}");
                continue;
            }

            using (tools)
            {
                await AddToolsAsync(sink, scope, serverId, name, serverAssetId, tools, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AddToolsAsync(IDiscoverySink sink, string scope, string serverId, string name, string serverAssetId, JsonDocument tools, CancellationToken cancellationToken)
    {
        if (tools.RootElement.ValueKind == JsonValueKind.Object && Text(tools.RootElement, "error") is { Length: > 0 } error)
        {
            // The proxy answers 200 with an error when the upstream server could not be listed: that server's tools
            // are unknown, its siblings' are not.
            sink.ScopeIncomplete(scope, $"LiteLLM ListMcpTools for server '{name}' ({serverId}) reported: {Truncate(Text(tools.RootElement, "message") ?? error)}");
            return;
        }

        foreach (JsonElement tool in LiteLlmClient.Items("ListMcpTools", tools.RootElement, "tools"))
        {
            string toolName = Required("ListMcpTools", tool, "name");
            string toolId = $"{serverAssetId}/tools/{toolName}";
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.McpTool, toolId, toolName, scope)
            {
                Attributes = new JsonObject
                {
                    ["proxy"] = proxy,
                    ["server_id"] = serverId,
                    ["description"] = Text(tool, "description"),
                    ["input_schema"] = Node(tool, "inputSchema"),
                },
            }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.McpServer, serverAssetId, Relationships.Contains, AssetTypes.McpTool, toolId, scope), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task TeamsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        using JsonDocument reply = await NeedsDatabaseAsync("ListTeams", "team/list", cancellationToken).ConfigureAwait(false);
        foreach (JsonElement team in LiteLlmClient.Items("ListTeams", reply.RootElement, "teams"))
        {
            string teamId = Required("ListTeams", team, "team_id");
            string id = TeamId(teamId);
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Principal, id, Text(team, "team_alias") ?? teamId, scope)
            {
                Attributes = new JsonObject
                {
                    ["proxy"] = proxy,
                    ["kind"] = "team",
                    ["team_id"] = teamId,
                    ["organization_id"] = Text(team, "organization_id"),
                    ["models"] = Node(team, "models"),
                    ["members"] = Members(team),
                    ["max_budget"] = Node(team, "max_budget"),
                    ["tpm_limit"] = Node(team, "tpm_limit"),
                    ["rpm_limit"] = Node(team, "rpm_limit"),
                    ["blocked"] = Node(team, "blocked"),
                },
            }, cancellationToken).ConfigureAwait(false);
            await LinkModelsAsync(sink, scope, id, team, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task KeysAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        for (int page = 1; ; page++)
        {
            string path = string.Create(CultureInfo.InvariantCulture, $"key/list?page={page}&size={pageSize}&return_full_object=true");
            using JsonDocument reply = await NeedsDatabaseAsync("ListKeys", path, cancellationToken).ConfigureAwait(false);
            int count = 0;
            foreach (JsonElement key in LiteLlmClient.Items("ListKeys", reply.RootElement, "keys"))
            {
                count++;
                // The list holds hashed tokens, LiteLLM's own identity for a key; never the key itself.
                string token = key.ValueKind == JsonValueKind.String ? key.GetString()! : Required("ListKeys", key, "token");
                string id = $"{proxy}/keys/{token}";
                string? teamId = Text(key, "team_id");
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Principal, id, Text(key, "key_alias") ?? Text(key, "key_name") ?? token, scope)
                {
                    Attributes = new JsonObject
                    {
                        ["proxy"] = proxy,
                        ["kind"] = "key",
                        ["key_alias"] = Text(key, "key_alias"),
                        ["key_name"] = Text(key, "key_name"),
                        ["team_id"] = teamId,
                        ["user_id"] = Text(key, "user_id"),
                        ["models"] = Node(key, "models"),
                        ["expires"] = Text(key, "expires"),
                        ["blocked"] = Node(key, "blocked"),
                    },
                }, cancellationToken).ConfigureAwait(false);
                if (teamId is { Length: > 0 })
                {
                    await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Principal, TeamId(teamId), Relationships.Owns, AssetTypes.Principal, id, scope), cancellationToken).ConfigureAwait(false);
                }

                await LinkModelsAsync(sink, scope, id, key, cancellationToken).ConfigureAwait(false);
            }

            JsonElement root = reply.RootElement;
            int? totalPages = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("total_pages", out JsonElement t) && t.TryGetInt32(out int tp) ? tp : null;
            bool more = totalPages is { } total ? page < total : count >= pageSize;
            if (!more || count == 0)
            {
                return;
            }

            if (page >= 100_000)
            {
                throw new ProviderException("LiteLLM ListKeys kept answering pages past 100000; stopping.");
            }
        }
    }

    /// <summary>
    /// A call to an endpoint backed by the proxy's database. Without one (no DATABASE_URL) LiteLLM keeps no teams or
    /// keys and says so: /team/list answers 400 {"detail": {"error": "DB not connected..."}} and /key/list 500
    /// {"error": {"message": "Authentication Error, Database not connected", ...}} (proxy/_types.py CommonProxyErrors,
    /// management_endpoints team_endpoints.list_team and key_management_endpoints.list_keys). That is "not available
    /// on this source", not a failure.
    /// </summary>
    private async Task<JsonDocument> NeedsDatabaseAsync(string operation, string pathAndQuery, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(operation, pathAndQuery, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Status is 400 or 500 && NoDatabase(ex.Message))
        {
            throw new ScopeUnavailableException("LiteLLM runs without a database (DB not connected): it keeps no teams or keys.", ex);
        }
    }

    private static bool NoDatabase(string message) =>
        message.Contains("DB not connected", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Database not connected", StringComparison.OrdinalIgnoreCase)
        || message.Contains("No db connected", StringComparison.OrdinalIgnoreCase)
        || message.Contains("Prisma client not initialized", StringComparison.OrdinalIgnoreCase);

    private string TeamId(string teamId) => $"{proxy}/teams/{teamId}";

    /// <summary>A principal may use the aliases in its "models" list (empty: every model, which is not expanded).</summary>
    private async Task LinkModelsAsync(IDiscoverySink sink, string scope, string principalId, JsonElement principal, CancellationToken cancellationToken)
    {
        foreach (JsonElement model in Array(principal, "models"))
        {
            if (model.ValueKind == JsonValueKind.String && _aliases.TryGetValue(model.GetString()!, out List<string>? deployments))
            {
                foreach (string deploymentId in deployments)
                {
                    await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Principal, principalId, Relationships.UsesModel, AssetTypes.Deployment, deploymentId, scope), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static JsonArray Members(JsonElement team) =>
        [.. Array(team, "members_with_roles").Select(m => (JsonNode?)new JsonObject { ["user_id"] = Text(m, "user_id"), ["user_email"] = Text(m, "user_email"), ["role"] = Text(m, "role") })];

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Databricks.Api;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Databricks.Discovery;

/// <summary>
/// Reads one API family of a workspace into the sink. Ids are "{workspace host}/{the resource's REST path}", lower-cased
/// where Databricks names are case-insensitive (Unity Catalog); models served from outside the workspace use the
/// trace identity "{provider}/{model}".
/// </summary>
internal sealed partial class WorkspaceScan(DatabricksClient client, string host, ScanLimits limits)
{
    private readonly int pageSize = limits.PageSize;

    private static string Required(string operation, JsonElement element, string name) => JsonFields.Required("Databricks", operation, element, name);

    public string ServingEndpointId(string name) => $"{host}/serving-endpoints/{name}";

    public string UnityCatalogModelId(string fullName) => $"{host}/unity-catalog/models/{fullName.ToLowerInvariant()}";

    public string MlflowModelId(string name) => $"{host}/mlflow/registered-models/{name}";

    public string VectorSearchIndexId(string name) => $"{host}/vector-search/indexes/{name.ToLowerInvariant()}";

    /// <summary>
    /// serving.ServingEndpointsAPI List (GET /api/2.0/serving-endpoints) names the endpoints, but its
    /// EndpointCoreConfigSummary carries only each served entity's name and model; workload, scaling, traffic and AI
    /// Gateway settings are in Get (GET /api/2.0/serving-endpoints/{name}). One endpoint that cannot be read in detail is
    /// reported from the list with a warning, and the scope stays incomplete.
    /// </summary>
    public async Task ServingEndpointsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        await foreach (JsonElement summary in client.ListAsync("ListServingEndpoints", "api/2.0/serving-endpoints", "endpoints", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("ListServingEndpoints", summary, "name");
            JsonElement endpoint = summary;
            await run.ItemAsync($"serving endpoint {name}", async ct =>
            {
                using JsonDocument detail = await client.GetAsync("GetServingEndpoint", $"api/2.0/serving-endpoints/{Uri.EscapeDataString(name)}", ct).ConfigureAwait(false);
                if (detail.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new ProviderException("Databricks GetServingEndpoint returned JSON that is not an object.");
                }

                endpoint = detail.RootElement.Clone();
            }, cancellationToken).ConfigureAwait(false);
            await AddServingEndpointAsync(run, name, summary, endpoint, models, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task AddServingEndpointAsync(ScopeRun run, string name, JsonElement summary, JsonElement endpoint, HashSet<string> models, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        string endpointId = ServingEndpointId(name);
        JsonElement state = Object(endpoint, "state");
        string? task = Text(endpoint, "task") ?? Text(summary, "task");
        await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, endpointId, name, scope)
        {
            Attributes = new JsonObject
            {
                ["workspace"] = host,
                ["endpoint_id"] = Text(endpoint, "id"),
                ["creator"] = Text(endpoint, "creator"),
                ["task"] = task,
                ["ready"] = Text(state, "ready"),
                ["config_update"] = Text(state, "config_update"),
                ["route_optimized"] = Node(endpoint, "route_optimized"),
                ["traffic_config"] = Node(Object(endpoint, "config"), "traffic_config"),
                ["ai_gateway"] = AiGateway(Object(endpoint, "ai_gateway")),
            },
        }, cancellationToken).ConfigureAwait(false);

        // Agent Framework deployments (agents.deploy) serve on endpoints whose task is "agent/v1/chat",
        // "agent/v2/chat" or "agent/v1/responses": the endpoint serves an agent.
        if (task is { } t && t.StartsWith("agent/", StringComparison.Ordinal))
        {
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, endpointId, name, scope)
            {
                Attributes = new JsonObject { ["workspace"] = host, ["kind"] = "serving_endpoint_agent", ["task"] = t },
            }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, endpointId, Relationships.Serves, AssetTypes.Agent, endpointId, scope), cancellationToken).ConfigureAwait(false);
        }

        JsonElement config = Object(endpoint, "config");
        if (config.ValueKind != JsonValueKind.Object)
        {
            config = Object(summary, "config");
        }

        IEnumerable<JsonElement> entities = Array(config, "served_entities").Concat(Array(config, "served_models"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonElement entity in entities)
        {
            string entityName = Text(entity, "name") ?? Text(entity, "entity_name") ?? Text(entity, "model_name") ?? throw new InvalidOperationException("A served entity has no name.");
            if (!seen.Add(entityName))
            {
                continue;
            }

            (string kind, string? modelId, JsonObject modelAttributes, string modelName) = ServedModel(entity);
            string deploymentId = $"{endpointId}/served-entities/{entityName}";
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Deployment, deploymentId, entityName, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["serving_endpoint"] = name,
                    ["kind"] = kind,
                    ["entity_name"] = Text(entity, "entity_name") ?? Text(entity, "model_name"),
                    ["entity_version"] = Text(entity, "entity_version") ?? Text(entity, "model_version"),
                    ["workload_size"] = Text(entity, "workload_size"),
                    ["workload_type"] = Text(entity, "workload_type"),
                    ["scale_to_zero_enabled"] = Node(entity, "scale_to_zero_enabled"),
                    ["min_provisioned_throughput"] = Node(entity, "min_provisioned_throughput"),
                    ["max_provisioned_throughput"] = Node(entity, "max_provisioned_throughput"),
                },
            }, cancellationToken).ConfigureAwait(false);
            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, endpointId, Relationships.Contains, AssetTypes.Deployment, deploymentId, scope), cancellationToken).ConfigureAwait(false);
            if (modelId is null)
            {
                continue;
            }

            // Foundation and external models are reported here; custom models belong to the Unity Catalog or
            // MLflow scope and are only linked, so their completeness stays with the scope that lists them.
            if (kind is "foundation_model" or "external_model" && models.Add(modelId))
            {
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, modelName, scope) { Attributes = modelAttributes }, cancellationToken).ConfigureAwait(false);
            }

            await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Deployment, deploymentId, Relationships.Serves, AssetTypes.Model, modelId, scope), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The AI Gateway settings (serving.AiGatewayConfig) that govern an endpoint: guardrails, rate limits, logging.</summary>
    private static JsonObject? AiGateway(JsonElement gateway)
    {
        if (gateway.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        JsonElement guardrails = Object(gateway, "guardrails");
        return new JsonObject
        {
            ["guardrails_input"] = Node(guardrails, "input"),
            ["guardrails_output"] = Node(guardrails, "output"),
            ["rate_limits"] = Node(gateway, "rate_limits"),
            ["usage_tracking_enabled"] = Node(Object(gateway, "usage_tracking_config"), "enabled"),
            ["inference_table_enabled"] = Node(Object(gateway, "inference_table_config"), "enabled"),
            ["fallback_enabled"] = Node(Object(gateway, "fallback_config"), "enabled"),
        };
    }

    private (string Kind, string? ModelId, JsonObject Attributes, string Name) ServedModel(JsonElement entity)
    {
        JsonElement external = Object(entity, "external_model");
        if (external.ValueKind == JsonValueKind.Object)
        {
            string provider = Text(external, "provider") ?? "unknown";
            string name = Text(external, "name") ?? Text(entity, "entity_name") ?? "unknown";
            return ("external_model", $"{provider.ToLowerInvariant()}/{name.ToLowerInvariant()}", new JsonObject { ["provider"] = provider, ["task"] = Text(external, "task") }, name);
        }

        string? entityName = Text(entity, "entity_name") ?? Text(entity, "model_name");
        string? version = Text(entity, "entity_version") ?? Text(entity, "model_version");
        JsonElement foundation = Object(entity, "foundation_model");
        if (foundation.ValueKind == JsonValueKind.Object)
        {
            string name = Text(foundation, "name") ?? entityName ?? "unknown";
            return ("foundation_model", $"databricks/{name.ToLowerInvariant()}", new JsonObject
            {
                ["provider"] = "databricks",
                ["display_name"] = Text(foundation, "display_name"),
                ["docs"] = Text(foundation, "docs"),
            }, name);
        }

        if (entityName is null)
        {
            return ("custom_model", null, [], string.Empty);
        }

        // Unity Catalog names have three parts (catalog.schema.model); workspace-registry names do not.
        string modelId = entityName.Count(c => c == '.') == 2 ? UnityCatalogModelId(entityName) : MlflowModelId(entityName);
        return ("custom_model", version is null ? modelId : $"{modelId}/versions/{version}", [], entityName);
    }

    /// <summary>
    /// catalog.RegisteredModelsAPI List (GET /api/2.1/unity-catalog/models) with include_browse=true: without it the
    /// models the principal holds only BROWSE on are left out. A browse-only model's versions cannot be read, so they are
    /// not asked for; one model whose versions cannot be listed is a warning, not a failed scope.
    /// </summary>
    public async Task UnityCatalogModelsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        await foreach (JsonElement model in client.ListAsync("ListRegisteredModels", $"api/2.1/unity-catalog/models?max_results={pageSize}&include_browse=true", "registered_models", cancellationToken).ConfigureAwait(false))
        {
            string fullName = Required("ListRegisteredModels", model, "full_name");
            string modelId = UnityCatalogModelId(fullName);
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, fullName, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["registry"] = "unity_catalog",
                    ["catalog_name"] = Text(model, "catalog_name"),
                    ["schema_name"] = Text(model, "schema_name"),
                    ["owner"] = Text(model, "owner"),
                    ["comment"] = Text(model, "comment"),
                    ["storage_location"] = Text(model, "storage_location"),
                    ["created_by"] = Text(model, "created_by"),
                    ["browse_only"] = Node(model, "browse_only"),
                },
            }, cancellationToken).ConfigureAwait(false);
            if (Node(model, "browse_only")?.GetValueKind() == JsonValueKind.True)
            {
                continue;
            }

            string path = $"api/2.1/unity-catalog/models/{Uri.EscapeDataString(fullName)}/versions?max_results={pageSize}";
            await run.ItemAsync($"versions of model {fullName}", async ct =>
            {
                await foreach (JsonElement version in client.ListAsync("ListModelVersions", path, "model_versions", ct).ConfigureAwait(false))
                {
                    string number = Required("ListModelVersions", version, "version");
                    await AddVersionAsync(sink, scope, modelId, fullName, number, new JsonObject
                    {
                        ["workspace"] = host,
                        ["registry"] = "unity_catalog",
                        ["version"] = number,
                        ["status"] = Text(version, "status"),
                        ["source"] = Text(version, "source"),
                        ["run_id"] = Text(version, "run_id"),
                        ["comment"] = Text(version, "comment"),
                        ["created_by"] = Text(version, "created_by"),
                    }, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task MlflowModelsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        await foreach (JsonElement model in client.ListAsync("SearchRegisteredModels", $"api/2.0/mlflow/registered-models/search?max_results={Math.Min(pageSize, 1000)}", "registered_models", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("SearchRegisteredModels", model, "name");
            string modelId = MlflowModelId(name);
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, modelId, name, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["registry"] = "workspace_mlflow",
                    ["description"] = Text(model, "description"),
                    ["user_id"] = Text(model, "user_id"),
                    ["tags"] = Node(model, "tags"),
                },
            }, cancellationToken).ConfigureAwait(false);

            // The search reply carries each stage's latest version, which is what the registry serves from.
            foreach (JsonElement version in Array(model, "latest_versions"))
            {
                string number = Required("SearchRegisteredModels", version, "version");
                await AddVersionAsync(sink, scope, modelId, name, number, new JsonObject
                {
                    ["workspace"] = host,
                    ["registry"] = "workspace_mlflow",
                    ["version"] = number,
                    ["current_stage"] = Text(version, "current_stage"),
                    ["status"] = Text(version, "status"),
                    ["source"] = Text(version, "source"),
                    ["run_id"] = Text(version, "run_id"),
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task AddVersionAsync(IDiscoverySink sink, string scope, string modelId, string modelName, string number, JsonObject attributes, CancellationToken cancellationToken)
    {
        string versionId = $"{modelId}/versions/{number}";
        await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Model, versionId, $"{modelName} v{number}", scope) { Attributes = attributes }, cancellationToken).ConfigureAwait(false);
        await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Model, versionId, Relationships.VersionOf, AssetTypes.Model, modelId, scope), cancellationToken).ConfigureAwait(false);
    }

    public async Task GenieSpacesAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        await foreach (JsonElement space in client.ListAsync("ListGenieSpaces", $"api/2.0/genie/spaces?page_size={pageSize}", "spaces", cancellationToken).ConfigureAwait(false))
        {
            string id = Required("ListGenieSpaces", space, "space_id");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, $"{host}/genie/spaces/{id}", Text(space, "title") ?? id, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "genie_space",
                    ["space_id"] = id,
                    ["description"] = Text(space, "description"),
                    ["warehouse_id"] = Text(space, "warehouse_id"),
                },
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// apps.AppsAPI List (GET /api/2.0/apps, page_size / page_token, next_page_token). An app is reported as an agent:
    /// its resources name the serving endpoints it calls, the Genie spaces it delegates to and the Unity Catalog
    /// functions and connections it uses as tools. Secrets among its resources are not read.
    /// </summary>
    public async Task AppsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        await foreach (JsonElement app in client.ListAsync("ListApps", $"api/2.0/apps?page_size={pageSize}", "apps", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("ListApps", app, "name");
            string appId = $"{host}/apps/{name}";
            var edges = new List<(string Relationship, string Type, string Id)>();
            var resources = new JsonArray();
            foreach (JsonElement resource in Array(app, "resources"))
            {
                if (Text(Object(resource, "serving_endpoint"), "name") is { Length: > 0 } endpoint)
                {
                    edges.Add((Relationships.UsesModel, AssetTypes.Endpoint, ServingEndpointId(endpoint)));
                    resources.Add(new JsonObject { ["kind"] = "serving_endpoint", ["name"] = endpoint });
                }
                else if (Text(Object(resource, "genie_space"), "space_id") is { Length: > 0 } space)
                {
                    edges.Add((Relationships.DelegatesTo, AssetTypes.Agent, $"{host}/genie/spaces/{space}"));
                    resources.Add(new JsonObject { ["kind"] = "genie_space", ["space_id"] = space });
                }
                else if (Object(resource, "uc_securable") is { ValueKind: JsonValueKind.Object } securable && Text(securable, "securable_full_name") is { Length: > 0 } fullName)
                {
                    string? type = Text(securable, "securable_type");
                    resources.Add(new JsonObject { ["kind"] = "uc_securable", ["securable_type"] = type, ["full_name"] = fullName });
                    if (type is "FUNCTION")
                    {
                        edges.Add((Relationships.UsesTool, AssetTypes.Tool, UnityCatalogFunctionId(fullName)));
                    }
                    else if (type is "CONNECTION")
                    {
                        edges.Add((Relationships.ConnectsTo, AssetTypes.DownstreamSystem, $"{host}/unity-catalog/connections/{fullName.ToLowerInvariant()}"));
                    }
                }
            }

            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Agent, appId, name, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "databricks_app",
                    ["app_id"] = Text(app, "id"),
                    ["description"] = Text(app, "description"),
                    ["url"] = Text(app, "url"),
                    ["creator"] = Text(app, "creator"),
                    ["service_principal_client_id"] = Text(app, "service_principal_client_id"),
                    ["service_principal_name"] = Text(app, "service_principal_name"),
                    ["compute_size"] = Text(app, "compute_size"),
                    ["resources"] = resources,
                },
            }, cancellationToken).ConfigureAwait(false);
            foreach ((string relationship, string type, string target) in edges.Distinct())
            {
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Agent, appId, relationship, type, target, scope), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// catalog.ConnectionsAPI List (GET /api/2.1/unity-catalog/connections, max_results / page_token, next_page_token):
    /// the external systems (databases, HTTP APIs and MCP servers) agents and apps reach through Unity Catalog. Options
    /// and credentials are not read; a URL's query string is dropped.
    /// </summary>
    public async Task ConnectionsAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        await foreach (JsonElement connection in client.ListAsync("ListConnections", $"api/2.1/unity-catalog/connections?max_results={pageSize}", "connections", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("ListConnections", connection, "name");
            string? url = Text(connection, "url");
            await run.Sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, $"{host}/unity-catalog/connections/{name.ToLowerInvariant()}", name, run.Scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "uc_connection",
                    ["connection_type"] = Text(connection, "connection_type"),
                    ["url"] = url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri.GetLeftPart(UriPartial.Path) : url?.Split('?')[0],
                    ["credential_type"] = Text(connection, "credential_type"),
                    ["owner"] = Text(connection, "owner"),
                    ["comment"] = Text(connection, "comment"),
                    ["read_only"] = Node(connection, "read_only"),
                },
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task VectorSearchAsync(ScopeRun run, CancellationToken cancellationToken)
    {
        IDiscoverySink sink = run.Sink;
        string scope = run.Scope;
        await foreach (JsonElement endpoint in client.ListAsync("ListVectorSearchEndpoints", "api/2.0/vector-search/endpoints", "endpoints", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("ListVectorSearchEndpoints", endpoint, "name");
            string endpointId = $"{host}/vector-search/endpoints/{name}";
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, endpointId, name, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["kind"] = "vector_search_endpoint",
                    ["endpoint_type"] = Text(endpoint, "endpoint_type"),
                    ["state"] = Text(Object(endpoint, "endpoint_status"), "state"),
                    ["creator"] = Text(endpoint, "creator"),
                },
            }, cancellationToken).ConfigureAwait(false);

            string path = $"api/2.0/vector-search/indexes?endpoint_name={Uri.EscapeDataString(name)}";
            await foreach (JsonElement index in client.ListAsync("ListVectorSearchIndexes", path, "vector_indexes", cancellationToken).ConfigureAwait(false))
            {
                string indexName = Required("ListVectorSearchIndexes", index, "name");
                string indexId = VectorSearchIndexId(indexName);
                await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.DownstreamSystem, indexId, indexName, scope)
                {
                    Attributes = new JsonObject
                    {
                        ["workspace"] = host,
                        ["kind"] = "vector_search_index",
                        ["endpoint_name"] = name,
                        ["index_type"] = Text(index, "index_type"),
                        ["primary_key"] = Text(index, "primary_key"),
                        ["creator"] = Text(index, "creator"),
                    },
                }, cancellationToken).ConfigureAwait(false);
                await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.Endpoint, endpointId, Relationships.Contains, AssetTypes.DownstreamSystem, indexId, scope), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

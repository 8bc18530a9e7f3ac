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
internal sealed class WorkspaceScan(DatabricksClient client, string host, int pageSize)
{
    private static string Required(string operation, JsonElement element, string name) => JsonFields.Required("Databricks", operation, element, name);

    public string ServingEndpointId(string name) => $"{host}/serving-endpoints/{name}";

    public string UnityCatalogModelId(string fullName) => $"{host}/unity-catalog/models/{fullName.ToLowerInvariant()}";

    public string MlflowModelId(string name) => $"{host}/mlflow/registered-models/{name}";

    public async Task ServingEndpointsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        var models = new HashSet<string>(StringComparer.Ordinal);
        await foreach (JsonElement endpoint in client.ListAsync("ListServingEndpoints", "api/2.0/serving-endpoints", "endpoints", cancellationToken).ConfigureAwait(false))
        {
            string name = Required("ListServingEndpoints", endpoint, "name");
            string endpointId = ServingEndpointId(name);
            JsonElement state = Object(endpoint, "state");
            await sink.AddAssetAsync(new DiscoveredAsset(AssetTypes.Endpoint, endpointId, name, scope)
            {
                Attributes = new JsonObject
                {
                    ["workspace"] = host,
                    ["endpoint_id"] = Text(endpoint, "id"),
                    ["creator"] = Text(endpoint, "creator"),
                    ["task"] = Text(endpoint, "task"),
                    ["ready"] = Text(state, "ready"),
                    ["config_update"] = Text(state, "config_update"),
                    ["route_optimized"] = Node(endpoint, "route_optimized"),
                },
            }, cancellationToken).ConfigureAwait(false);

            JsonElement config = Object(endpoint, "config");
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

    public async Task UnityCatalogModelsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
        await foreach (JsonElement model in client.ListAsync("ListRegisteredModels", $"api/2.1/unity-catalog/models?max_results={pageSize}", "registered_models", cancellationToken).ConfigureAwait(false))
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
                },
            }, cancellationToken).ConfigureAwait(false);

            string path = $"api/2.1/unity-catalog/models/{Uri.EscapeDataString(fullName)}/versions?max_results={pageSize}";
            await foreach (JsonElement version in client.ListAsync("ListModelVersions", path, "model_versions", cancellationToken).ConfigureAwait(false))
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
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task MlflowModelsAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
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

    public async Task GenieSpacesAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
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

    public async Task VectorSearchAsync(IDiscoverySink sink, string scope, CancellationToken cancellationToken)
    {
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
                string indexId = $"{host}/vector-search/indexes/{indexName.ToLowerInvariant()}";
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

using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins.Google.VertexAi;

/// <summary>The agent estate of a location: Agent Engine reasoning engines, RAG Engine corpora, Vector Search.</summary>
internal sealed partial class VertexAiPlugin
{
    /// <summary>
    /// ReasoningEngineService.ListReasoningEngines (GET v1/{parent}/reasoningEngines). An engine declares no model or tool;
    /// what it uses is named in its deployment's environment, so values that are Vertex resource names (a RAG corpus,
    /// an endpoint, an index endpoint) become edges. Values themselves are never copied: they may be secrets.
    /// </summary>
    private async Task DiscoverReasoningEnginesAsync(Scan scan, CancellationToken cancellationToken)
    {
        await ListAsync(scan, "ListReasoningEngines", "reasoningEngines", "reasoningEngines", async engine =>
        {
            string name = RequiredString(engine, "name", "ListReasoningEngines");
            string id = ResourcePrefix + name;
            JsonObject attributes = Attributes(engine, "description", "createTime", "labels");
            attributes["kind"] = "agent_engine";
            JsonElement spec = Object(engine, "spec") ?? default;
            attributes["agent_framework"] = String(spec, "agentFramework");
            attributes["service_account"] = String(spec, "serviceAccount");
            attributes["identity_type"] = String(spec, "identityType");
            attributes["python_version"] = String(Object(spec, "packageSpec") ?? default, "pythonVersion");
            attributes["container_image"] = String(Object(spec, "containerSpec") ?? default, "imageUri");
            var methods = new JsonArray();
            foreach (JsonElement method in Items(spec, "classMethods", "ListReasoningEngines"))
            {
                methods.Add(String(method, "name"));
            }

            attributes["class_methods"] = methods;
            JsonElement deployment = Object(spec, "deploymentSpec") ?? default;
            var envNames = new JsonArray();
            var uses = new List<(string Relationship, string Type, string Id)>();
            foreach (JsonElement env in Items(deployment, "env", "ListReasoningEngines"))
            {
                envNames.Add(String(env, "name"));
                if (String(env, "value") is { } value && UsedResource(value) is { } used)
                {
                    uses.Add(used);
                }
            }

            attributes["env"] = envNames;
            await scan.AddAsync(AssetTypes.Agent, id, String(engine, "displayName") ?? name, attributes, cancellationToken);
            foreach ((string relationship, string type, string target) in uses.Distinct())
            {
                await scan.LinkAsync(AssetTypes.Agent, id, relationship, type, target, cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>A Vertex resource name an agent's configuration points at, as the edge to it.</summary>
    private static (string Relationship, string Type, string Id)? UsedResource(string value)
    {
        if (!value.StartsWith("projects/", StringComparison.Ordinal) || value.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        string[] parts = value.Split('/');
        return parts.Length == 6 ? parts[4] switch
        {
            "ragCorpora" => (Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, ResourcePrefix + value),
            "indexEndpoints" => (Relationships.UsesKnowledgeBase, AssetTypes.Endpoint, ResourcePrefix + value),
            "endpoints" => (Relationships.UsesModel, AssetTypes.Endpoint, ResourcePrefix + value),
            "reasoningEngines" => (Relationships.DelegatesTo, AssetTypes.Agent, ResourcePrefix + value),
            _ => null,
        } : null;
    }

    /// <summary>
    /// VertexRagDataService.ListRagCorpora (GET v1/{parent}/ragCorpora). A corpus is a knowledge base: edges to its
    /// embedding model (vectorDbConfig.ragEmbeddingModelConfig.vertexPredictionEndpoint) and its Vector Search index.
    /// </summary>
    private async Task DiscoverRagCorporaAsync(Scan scan, CancellationToken cancellationToken)
    {
        var publisherModels = new HashSet<string>(StringComparer.Ordinal);
        await ListAsync(scan, "ListRagCorpora", "ragCorpora", "ragCorpora", async corpus =>
        {
            string name = RequiredString(corpus, "name", "ListRagCorpora");
            string id = ResourcePrefix + name;
            JsonObject attributes = Attributes(corpus, "description", "createTime");
            attributes["kind"] = "rag_corpus";
            attributes["state"] = String(Object(corpus, "corpusStatus") ?? default, "state");
            JsonElement vectorDb = Object(corpus, "vectorDbConfig") ?? default;
            JsonElement vectorSearch = Object(vectorDb, "vertexVectorSearch") ?? default;
            attributes["vector_db"] = Object(vectorDb, "ragManagedDb") is not null ? "rag_managed_db"
                : Object(vectorDb, "pinecone") is not null ? "pinecone"
                : vectorSearch.ValueKind == JsonValueKind.Object ? "vertex_vector_search"
                : Object(corpus, "vertexAiSearchConfig") is not null ? "vertex_ai_search" : null;
            attributes["pinecone_index"] = String(Object(vectorDb, "pinecone") ?? default, "indexName");
            attributes["vertex_ai_search_serving_config"] = String(Object(corpus, "vertexAiSearchConfig") ?? default, "servingConfig");
            await scan.AddAsync(AssetTypes.DownstreamSystem, id, String(corpus, "displayName") ?? name, attributes, cancellationToken);

            JsonElement embedding = Object(Object(vectorDb, "ragEmbeddingModelConfig") ?? default, "vertexPredictionEndpoint") ?? default;
            if (String(embedding, "model") is { Length: > 0 } model)
            {
                (string type, string target) = model.StartsWith("publishers/", StringComparison.Ordinal) || model.Contains("/publishers/", StringComparison.Ordinal)
                    ? (AssetTypes.GenerativeModel, await AddPublisherModelAsync(scan, publisherModels, model[model.IndexOf("publishers/", StringComparison.Ordinal)..], cancellationToken))
                    : (AssetTypes.Model, ResourcePrefix + StripVersion(model));
                await scan.LinkAsync(AssetTypes.DownstreamSystem, id, Relationships.UsesModel, type, target, cancellationToken);
            }
            else if (String(embedding, "endpoint") is { Length: > 0 } endpoint)
            {
                (string type, string target) = endpoint.Contains("/publishers/", StringComparison.Ordinal)
                    ? (AssetTypes.GenerativeModel, await AddPublisherModelAsync(scan, publisherModels, endpoint[endpoint.IndexOf("publishers/", StringComparison.Ordinal)..], cancellationToken))
                    : (AssetTypes.Endpoint, ResourcePrefix + endpoint);
                await scan.LinkAsync(AssetTypes.DownstreamSystem, id, Relationships.UsesModel, type, target, cancellationToken);
            }

            if (String(vectorSearch, "index") is { Length: > 0 } index)
            {
                await scan.LinkAsync(AssetTypes.DownstreamSystem, id, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, ResourcePrefix + index, cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// IndexService.ListIndexes (GET v1/{parent}/indexes) and IndexEndpointService.ListIndexEndpoints
    /// (GET v1/{parent}/indexEndpoints): an index endpoint serves the indexes deployed on it.
    /// </summary>
    private async Task DiscoverVectorSearchAsync(Scan scan, CancellationToken cancellationToken)
    {
        await ListAsync(scan, "ListIndexes", "indexes", "indexes", async index =>
        {
            string name = RequiredString(index, "name", "ListIndexes");
            JsonObject attributes = Attributes(index, "description", "metadataSchemaUri", "indexUpdateMethod", "createTime", "labels");
            attributes["kind"] = "vector_search_index";
            await scan.AddAsync(AssetTypes.DownstreamSystem, ResourcePrefix + name, String(index, "displayName") ?? name, attributes, cancellationToken);
        }, cancellationToken);

        await ListAsync(scan, "ListIndexEndpoints", "indexEndpoints", "indexEndpoints", async endpoint =>
        {
            string name = RequiredString(endpoint, "name", "ListIndexEndpoints");
            string id = ResourcePrefix + name;
            JsonObject attributes = Attributes(endpoint, "description", "publicEndpointDomainName", "network", "enablePrivateServiceConnect", "createTime", "labels");
            attributes["kind"] = "index_endpoint";
            var deployed = new JsonArray();
            var indexes = new List<string>();
            foreach (JsonElement d in Items(endpoint, "deployedIndexes", "ListIndexEndpoints"))
            {
                deployed.Add(Attributes(d, "id", "index", "displayName"));
                if (String(d, "index") is { Length: > 0 } index)
                {
                    indexes.Add(ResourcePrefix + index);
                }
            }

            attributes["deployed_indexes"] = deployed;
            await scan.AddAsync(AssetTypes.Endpoint, id, String(endpoint, "displayName") ?? name, attributes, cancellationToken);
            foreach (string index in indexes.Distinct())
            {
                await scan.LinkAsync(AssetTypes.Endpoint, id, Relationships.Serves, AssetTypes.DownstreamSystem, index, cancellationToken);
            }
        }, cancellationToken);
    }
}

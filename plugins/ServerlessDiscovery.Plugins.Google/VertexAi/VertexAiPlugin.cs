using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Google.Credentials;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Google.VertexAi;

/// <summary>
/// Vertex AI over its REST v1 API. Per (project, location) four scopes: <c>vertex_ai</c> (models, endpoints with the
/// models their deployed models run, tuning jobs), <c>agent_engine</c> (reasoning engines), <c>rag_engine</c> (RAG
/// corpora) and <c>vector_search</c> (indexes and index endpoints). A location that does not offer a family reports
/// that scope unavailable, not failed.
/// </summary>
internal sealed partial class VertexAiPlugin : IPlugin
{
    private const string ResourcePrefix = "//aiplatform.googleapis.com/";
    private const string Provider = "Vertex AI";

    private readonly VertexAiSettings _settings;
    private readonly ProviderHttpClient _http;
    private readonly GoogleTokenSource _tokens;
    private readonly ILogger _logger;

    public VertexAiPlugin(VertexAiSettings settings, PluginContext context)
    {
        _settings = settings;
        _http = context.CreateProviderClient(Provider, settings.RequestsPerSecondLimit);
        _tokens = new GoogleTokenSource(settings.ServiceAccountKeyJson, settings.StaticAccessToken, context);
        _logger = context.LoggerFactory.CreateLogger("ServerlessDiscovery.Plugins.Google");
    }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using JsonDocument _ = await GetAsync("ListModels", _settings.ProjectList[0], _settings.LocationList[0], "models?pageSize=1", cancellationToken);
            return VerifyResult.Ok;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is ProviderException or InvalidOperationException or KeyNotFoundException or FormatException or JsonException)
        {
            return VerifyResult.Fail(ex.Message);
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (string project in _settings.ProjectList)
        {
            foreach (string location in _settings.LocationList)
            {
                foreach ((string family, Func<Scan, CancellationToken, Task> read) in Families)
                {
                    string scope = $"gcp:{project}:{location}:{family}";
                    await sink.RunScopeAsync(scope, (run, ct) => read(new Scan(project, location, run), ct), _logger, Provider, IsUnavailable, cancellationToken);
                }
            }
        }
    }

    private (string Family, Func<Scan, CancellationToken, Task> Read)[] Families =>
    [
        ("vertex_ai", DiscoverModelsAsync),
        ("agent_engine", DiscoverReasoningEnginesAsync),
        ("rag_engine", DiscoverRagCorporaAsync),
        ("vector_search", DiscoverVectorSearchAsync),
    ];

    /// <summary>
    /// What a location or project does not offer, as Vertex answers it: 501 UNIMPLEMENTED ("Operation is not
    /// implemented, or supported, or enabled."), 404 for a collection the regional host does not serve, and 403 for an
    /// API not enabled in the project ("... API has not been used in project ... or it is disabled"). A 403 for a missing
    /// IAM permission is a failure.
    /// </summary>
    internal static bool IsUnavailable(ProviderException ex) =>
        ex.Status is 501 or 404
        || ex.ErrorCode is "UNIMPLEMENTED"
        || (ex.Status is 403 && (ex.Message.Contains("has not been used in project", StringComparison.Ordinal) || ex.Message.Contains("SERVICE_DISABLED", StringComparison.Ordinal)));

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _tokens.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task DiscoverModelsAsync(Scan scan, CancellationToken cancellationToken)
    {
        var publisherModels = new HashSet<string>(StringComparer.Ordinal);

        await ListAsync(scan, "ListModels", "models", "models", async model =>
        {
            string name = RequiredString(model, "name", "ListModels");
            JsonObject attributes = Attributes(model, "versionId", "versionAliases", "description", "metadataSchemaUri", "labels", "createTime", "supportedDeploymentResourcesTypes");
            await scan.AddAsync(AssetTypes.Model, ResourcePrefix + name, String(model, "displayName") ?? name, attributes, cancellationToken);
        }, cancellationToken);

        await ListAsync(scan, "ListEndpoints", "endpoints", "endpoints", async endpoint =>
        {
            string name = RequiredString(endpoint, "name", "ListEndpoints");
            string endpointId = ResourcePrefix + name;
            var deployed = new JsonArray();
            var served = new List<(string Type, string Id)>();
            foreach (JsonElement d in Items(endpoint, "deployedModels", "ListEndpoints"))
            {
                deployed.Add(Attributes(d, "id", "model", "displayName", "modelVersionId"));
                if (String(d, "model") is not { Length: > 0 } model)
                {
                    continue;
                }

                if (model.StartsWith("publishers/", StringComparison.Ordinal))
                {
                    served.Add((AssetTypes.GenerativeModel, await AddPublisherModelAsync(scan, publisherModels, model, cancellationToken)));
                }
                else
                {
                    served.Add((AssetTypes.Model, ResourcePrefix + StripVersion(model)));
                }
            }

            JsonObject attributes = Attributes(endpoint, "description", "labels", "createTime", "network", "dedicatedEndpointEnabled", "trafficSplit");
            attributes["deployed_models"] = deployed;
            await scan.AddAsync(AssetTypes.Endpoint, endpointId, String(endpoint, "displayName") ?? name, attributes, cancellationToken);
            foreach ((string type, string id) in served.Distinct())
            {
                await scan.LinkAsync(AssetTypes.Endpoint, endpointId, Relationships.Serves, type, id, cancellationToken);
            }
        }, cancellationToken);

        await ListAsync(scan, "ListTuningJobs", "tuningJobs", "tuningJobs", async job =>
        {
            string name = RequiredString(job, "name", "ListTuningJobs");
            string jobId = ResourcePrefix + name;
            JsonObject attributes = Attributes(job, "baseModel", "preTunedModel", "state", "tunedModelDisplayName", "description", "createTime", "tunedModel", "labels");
            attributes["kind"] = "tuning_job";
            await scan.AddAsync(AssetTypes.GenerativeModel, jobId, String(job, "tunedModelDisplayName") ?? name, attributes, cancellationToken);

            // TuningJob.source_model is a oneof: base_model (a Gemini id such as "gemini-2.0-flash-001", or an open
            // model's "{publisher}/{model}@{variant}" such as "meta/llama3_1@llama-3.1-8b") or pre_tuned_model
            // (continuous tuning of a tuned Model, whose base_model is output only).
            if (String(job, "baseModel") is { Length: > 0 } baseModel)
            {
                string baseId = await AddPublisherModelAsync(scan, publisherModels, PublisherModelName(baseModel), cancellationToken);
                await scan.LinkAsync(AssetTypes.GenerativeModel, jobId, Relationships.VersionOf, AssetTypes.GenerativeModel, baseId, cancellationToken);
            }
            else if (Object(job, "preTunedModel") is { } preTuned && String(preTuned, "tunedModelName") is { Length: > 0 } tunedModelName)
            {
                await scan.LinkAsync(AssetTypes.GenerativeModel, jobId, Relationships.VersionOf, AssetTypes.Model, ResourcePrefix + StripVersion(tunedModelName), cancellationToken);
            }

            if (Object(job, "tunedModel") is { } tuned && String(tuned, "endpoint") is { Length: > 0 } tunedEndpoint)
            {
                await scan.LinkAsync(AssetTypes.Endpoint, ResourcePrefix + tunedEndpoint, Relationships.Serves, AssetTypes.GenerativeModel, jobId, cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The publisher model resource name of a tuning base model: "gemini-2.0-flash-001" is Google's,
    /// "meta/llama3_1@llama-3.1-8b" is publisher "meta", model "llama3_1", variant "llama-3.1-8b".
    /// </summary>
    internal static string PublisherModelName(string baseModel)
    {
        if (baseModel.StartsWith("publishers/", StringComparison.Ordinal))
        {
            return baseModel;
        }

        int slash = baseModel.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? $"publishers/{baseModel[..slash]}/models/{baseModel[(slash + 1)..]}" : $"publishers/google/models/{baseModel}";
    }

    /// <summary>
    /// Publisher models (Gemini, Llama, ...) are reported once per scope that uses them, under the location-qualified
    /// name Vertex serves them at. A Model Garden "@variant" stays in the id: "llama3_1@llama-3.1-8b" and
    /// "llama3_1@llama-3.1-8b-instruct" are different checkpoints.
    /// </summary>
    private static async Task<string> AddPublisherModelAsync(Scan scan, HashSet<string> reported, string publisherName, CancellationToken cancellationToken)
    {
        string id = $"{ResourcePrefix}projects/{scan.Project}/locations/{scan.Location}/{publisherName}";
        if (reported.Add(id))
        {
            string[] parts = publisherName.Split('/');
            var attributes = new JsonObject { ["publisher"] = parts.Length > 1 ? parts[1] : null, ["publisher_model"] = publisherName, ["kind"] = "publisher_model" };
            await scan.AddAsync(AssetTypes.GenerativeModel, id, parts[^1], attributes, cancellationToken);
        }

        return id;
    }

    // "models/123@2" names a version of model 123; the asset is the model.
    private static string StripVersion(string name) => name.Split('@')[0];

    private async Task ListAsync(Scan scan, string operation, string collection, string itemsName, Func<JsonElement, Task> onItem, CancellationToken cancellationToken)
    {
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            string query = token is null ? $"{collection}?pageSize=100" : $"{collection}?pageSize=100&pageToken={Uri.EscapeDataString(token)}";
            using JsonDocument page = await GetAsync(operation, scan.Project, scan.Location, query, cancellationToken);
            if (page.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ProviderException($"Vertex AI {operation} returned JSON that is not an object.");
            }

            // One item Vertex returns in a shape we cannot read is a warning; its siblings are still reported.
            foreach (JsonElement item in Items(page.RootElement, itemsName, operation))
            {
                await scan.Run.ItemAsync($"{operation} item {String(item, "name") ?? "without a name"}", _ => onItem(item), cancellationToken);
            }

            token = String(page.RootElement, "nextPageToken");
            if (token is { Length: > 0 } && !seen.Add(token))
            {
                throw new ProviderException($"Vertex AI {operation} returned the same nextPageToken twice.");
            }
        }
        while (!string.IsNullOrEmpty(token));
    }

    private Task<JsonDocument> GetAsync(string operation, string project, string location, string relative, CancellationToken cancellationToken) =>
        _http.GetJsonAsync(
            operation,
            new Uri(_settings.BaseUri(location), $"v1/projects/{Uri.EscapeDataString(project)}/locations/{Uri.EscapeDataString(location)}/{relative}"),
            async (request, ct) => request.Headers.Authorization = new("Bearer", await _tokens.GetAccessTokenAsync(ct)),
            cancellationToken);

    private static JsonElement[] Items(JsonElement element, string name, string operation)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        return array.ValueKind == JsonValueKind.Array ? array.EnumerateArray().ToArray() : throw new ProviderException($"Vertex AI {operation} returned '{name}' that is not a list.");
    }

    private static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string RequiredString(JsonElement element, string name, string operation) =>
        String(element, name) is { Length: > 0 } value ? value : throw new ProviderException($"Vertex AI {operation} returned an item without '{name}'.");

    private static JsonElement? Object(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static JsonObject Attributes(JsonElement source, params ReadOnlySpan<string> names)
    {
        var attributes = new JsonObject();
        foreach (string name in names)
        {
            if (source.ValueKind == JsonValueKind.Object && source.TryGetProperty(name, out JsonElement value) && value.ValueKind != JsonValueKind.Null)
            {
                attributes[name] = JsonNode.Parse(value.GetRawText());
            }
        }

        return attributes;
    }

    private sealed record Scan(string Project, string Location, ScopeRun Run)
    {
        public ValueTask AddAsync(string type, string id, string name, JsonObject attributes, CancellationToken cancellationToken)
        {
            attributes["project"] = Project;
            attributes["location"] = Location;
            return Run.Sink.AddAssetAsync(new DiscoveredAsset(type, id, name, Run.Scope) { Attributes = attributes }, cancellationToken);
        }

        public ValueTask LinkAsync(string sourceType, string sourceId, string relationship, string targetType, string targetId, CancellationToken cancellationToken) =>
            Run.Sink.AddEdgeAsync(new DiscoveredEdge(sourceType, sourceId, relationship, targetType, targetId, Run.Scope), cancellationToken);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Google.Credentials;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Google.VertexAi;

/// <summary>
/// Vertex AI over its REST v1 API, one scope per (project, location): models, endpoints with the models their deployed
/// models run (Vertex models or publisher models such as Gemini), and tuning jobs.
/// </summary>
internal sealed partial class VertexAiPlugin : IPlugin
{
    private const string ResourcePrefix = "//aiplatform.googleapis.com/";

    private readonly VertexAiSettings _settings;
    private readonly ProviderHttpClient _http;
    private readonly GoogleTokenSource _tokens;
    private readonly ILogger _logger;

    public VertexAiPlugin(VertexAiSettings settings, PluginContext context)
    {
        _settings = settings;
        _http = context.CreateProviderClient("Vertex AI", settings.RequestsPerSecondLimit);
        _tokens = new GoogleTokenSource(settings.ServiceAccountKeyJson, settings.StaticAccessToken);
        _logger = context.LoggerFactory.CreateLogger("ServerlessDiscovery.Plugins.Google");
    }

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using JsonDocument _ = await GetAsync("ListModels", _settings.ProjectList[0], _settings.LocationList[0], "models?pageSize=1", cancellationToken);
            return VerifyResult.Ok;
        }
        catch (Exception ex) when (IsScopeFailure(ex, cancellationToken))
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
                string scope = $"gcp:{project}:{location}:vertex_ai";
                try
                {
                    await DiscoverScopeAsync(new Scan(project, location, scope, sink), cancellationToken);
                    sink.ScopeCompleted(scope);
                }
                catch (Exception ex) when (IsScopeFailure(ex, cancellationToken))
                {
                    LogScopeFailed(_logger, scope, ex.Message);
                    sink.ScopeFailed(scope, ex.Message);
                }
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _tokens.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task DiscoverScopeAsync(Scan scan, CancellationToken cancellationToken)
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
                    string id = PublisherModelId(scan, model);
                    await AddPublisherModelAsync(scan, publisherModels, id, model, cancellationToken);
                    served.Add((AssetTypes.GenerativeModel, id));
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
            JsonObject attributes = Attributes(job, "baseModel", "state", "tunedModelDisplayName", "description", "createTime", "tunedModel", "labels");
            attributes["kind"] = "tuning_job";
            await scan.AddAsync(AssetTypes.GenerativeModel, jobId, String(job, "tunedModelDisplayName") ?? name, attributes, cancellationToken);
            if (String(job, "baseModel") is { Length: > 0 } baseModel)
            {
                string publisherName = baseModel.StartsWith("publishers/", StringComparison.Ordinal) ? baseModel : $"publishers/google/models/{baseModel}";
                string baseId = PublisherModelId(scan, publisherName);
                await AddPublisherModelAsync(scan, publisherModels, baseId, publisherName, cancellationToken);
                await scan.LinkAsync(AssetTypes.GenerativeModel, jobId, Relationships.VersionOf, AssetTypes.GenerativeModel, baseId, cancellationToken);
            }

            if (Object(job, "tunedModel") is { } tuned && String(tuned, "endpoint") is { Length: > 0 } tunedEndpoint)
            {
                await scan.LinkAsync(AssetTypes.Endpoint, ResourcePrefix + tunedEndpoint, Relationships.Serves, AssetTypes.GenerativeModel, jobId, cancellationToken);
            }
        }, cancellationToken);
    }

    /// <summary>Publisher models (Gemini, Llama, ...) are reported once per scope that uses them, under the location-qualified name Vertex serves them at.</summary>
    private static async Task AddPublisherModelAsync(Scan scan, HashSet<string> reported, string id, string publisherName, CancellationToken cancellationToken)
    {
        if (!reported.Add(id))
        {
            return;
        }

        string[] parts = publisherName.Split('/');
        var attributes = new JsonObject { ["publisher"] = parts.Length > 1 ? parts[1] : null, ["publisher_model"] = publisherName, ["kind"] = "publisher_model" };
        await scan.AddAsync(AssetTypes.GenerativeModel, id, parts[^1], attributes, cancellationToken);
    }

    private static string PublisherModelId(Scan scan, string publisherName) =>
        $"{ResourcePrefix}projects/{scan.Project}/locations/{scan.Location}/{StripVersion(publisherName)}";

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

            foreach (JsonElement item in Items(page.RootElement, itemsName, operation))
            {
                await onItem(item);
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
        if (!element.TryGetProperty(name, out JsonElement array) || array.ValueKind == JsonValueKind.Null)
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
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Object ? value : null;

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

    private static bool IsScopeFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is ProviderException or InvalidOperationException or KeyNotFoundException or FormatException or JsonException;

    [LoggerMessage(EventId = 5201, Level = LogLevel.Warning, Message = "Vertex AI scope {Scope} could not be read: {Error}")]
    private static partial void LogScopeFailed(ILogger logger, string scope, string error);

    private sealed record Scan(string Project, string Location, string Scope, IDiscoverySink Sink)
    {
        public ValueTask AddAsync(string type, string id, string name, JsonObject attributes, CancellationToken cancellationToken)
        {
            attributes["project"] = Project;
            attributes["location"] = Location;
            return Sink.AddAssetAsync(new DiscoveredAsset(type, id, name, Scope) { Attributes = attributes }, cancellationToken);
        }

        public ValueTask LinkAsync(string sourceType, string sourceId, string relationship, string targetType, string targetId, CancellationToken cancellationToken) =>
            Sink.AddEdgeAsync(new DiscoveredEdge(sourceType, sourceId, relationship, targetType, targetId, Scope), cancellationToken);
    }
}

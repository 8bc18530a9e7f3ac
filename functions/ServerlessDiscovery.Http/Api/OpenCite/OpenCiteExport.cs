using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>
/// POST /api/v1/export: the tenant's inventory as OpenCITE's export document (its schema/opencite-schema.json and
/// docs/SCHEMA_DOCUMENTATION.md, "programmatic export": opencite_version, export_timestamp, plugins, tools, models,
/// data_assets, mcp_servers, mcp_tools, mcp_resources, then agents and downstream_systems as OpenCITE appends them).
/// Each item carries the schema's required fields with the schema's types and enumerations; ours ride along where the
/// schema leaves room (item attributes under metadata.attributes, relationships, tenant, truncated).
/// </summary>
internal static class OpenCiteExport
{
    /// <summary>The schema version OpenCITE's exporter writes.</summary>
    public const string SchemaVersion = "1.0.0";

    /// <summary>Most assets one export carries; more sets truncated.</summary>
    public const int MaxAssets = 50_000;

    public static void MapOpenCiteExport(this RouteGroupBuilder api) =>
        api.MapPost("/export", ExportAsync)
            .WithTags("Assets")
            .WithJsonBody<OpenCiteExportRequest>(required: false)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    private static async Task<Results<Ok<OpenCiteExportDocument>, ValidationProblem, ProblemHttpResult>> ExportAsync(
        HttpContext context, IInventoryStore store, IToolMappingStore mappings, IInstanceStore instances, TimeProvider time)
    {
        (JsonObject? body, ProblemHttpResult? problem) = await ApiRequest.ReadObjectAsync(context.Request, required: false);
        if (problem is not null)
        {
            return problem;
        }

        string tenant = context.User.GetCaller().Tenant;
        var errors = new List<(string, string)>();
        string[] requested = Plugins(body!, errors);
        if (ApiRequest.TryGetString(body!, "integration_id", out string? integration, out string? error) && (error is not null || integration != tenant))
        {
            // OpenCITE filters by a body integration_id; here the tenant is chosen before the body is read, never by it.
            errors.Add(("integration_id", error ?? $"names '{integration}', but this request acts on '{tenant}'; choose the tenant with X-Integration-Id or ?integration_id=."));
        }

        if (errors.Count > 0)
        {
            return ApiRequest.Invalid(errors);
        }

        IReadOnlyList<PluginInstance> configured = await instances.ListAsync(tenant, context.RequestAborted);
        return TypedResults.Ok(await ComposeAsync(store, mappings, tenant, configured, requested, time.GetUtcNow(), context.RequestAborted));
    }

    /// <summary>The export document of a tenant; <paramref name="plugins"/> names the plugins to credit (all the tenant's when empty).</summary>
    private static async Task<OpenCiteExportDocument> ComposeAsync(
        IInventoryStore store, IToolMappingStore mappings, string tenant, IReadOnlyList<PluginInstance> configured, string[] plugins,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        TenantEstate estate = await TenantEstate.LoadAsync(store, mappings, tenant,
            new EstateQuery(null, null, null, null, IncludeDeleted: false, MaxAssets), cancellationToken);
        Dictionary<string, string> pluginOf = configured.ToDictionary(i => i.Id, i => i.PluginType, StringComparer.Ordinal);
        var groups = AssetCategories.All.ToDictionary(c => c, _ => new List<JsonObject>(), StringComparer.Ordinal);
        foreach ((Asset asset, AssetUsage? usage) in estate.Assets)
        {
            (string category, JsonObject item) = OpenCiteItems.Categorised(asset, usage, estate);
            groups[category].Add(ForSchema(category, item, asset, pluginOf));
        }

        string[] credited = plugins.Length > 0 ? plugins : [.. configured.Select(i => i.PluginType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        OpenCiteExportPlugin[] pluginList = [.. credited.Select(p => new OpenCiteExportPlugin(p, SchemaVersion))];
        IReadOnlyList<JsonObject> Listed(string category) => [.. AssetsApi.ByName(groups[category])];
        return new OpenCiteExportDocument(
            SchemaVersion,
            now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            new OpenCiteExportMetadata(now, "serverlessdiscovery", pluginList, Statistics(groups)),
            pluginList,
            Listed(AssetCategories.Tools),
            Listed(AssetCategories.Models),
            Listed(AssetCategories.DataAssets),
            Listed(AssetCategories.McpServers),
            Listed(AssetCategories.McpTools),
            Listed(AssetCategories.McpResources),
            Listed(AssetCategories.Agents),
            Listed(AssetCategories.DownstreamSystems),
            Listed(AssetCategories.Identities),
            Listed(AssetCategories.McpPrompts),
            [.. estate.Edges.Select(AssetRelations.ToOpenCite)],
            tenant,
            estate.Assets.Count,
            estate.Truncated || estate.EdgesTruncated);
    }

    /// <summary>
    /// The item with the schema's types: no nulls where the schema wants a string, discovery_source from the schema's
    /// enumeration for MCP kinds, usage objects in the schema's form, and our attributes nested under
    /// metadata.attributes (a flat attribute named like a schema metadata field, such as environment, could break it).
    /// </summary>
    private static JsonObject ForSchema(string category, JsonObject item, Asset asset, Dictionary<string, string> pluginOf)
    {
        bool traced = Provenance.IsTraceDerived(asset);
        string? plugin = pluginOf.GetValueOrDefault(asset.Instance);
        bool litellm = plugin == "litellm";
        item["metadata"] = new JsonObject
        {
            ["integration_ids"] = new JsonArray(asset.Tenant),
            ["instance"] = asset.Instance,
            ["plugin_type"] = traced ? OpenCiteItems.TraceSource : plugin,
            ["attributes"] = item["attributes"]?.DeepClone(),
        };
        switch (category)
        {
            case AssetCategories.Tools:
                item["models_used"] = new JsonArray([.. item["models"]!.AsArray().Select(m => (JsonNode?)new JsonObject { ["model_id"] = (string?)m })]);
                break;
            case AssetCategories.Models:
                item["usage"] = new JsonObject
                {
                    ["total_calls"] = item["usage_count"]?.DeepClone(),
                    ["unique_tools"] = item["tools"]!.AsArray().Count,
                    ["tools_using"] = item["tools"]!.DeepClone(),
                    ["input_tokens"] = item["total_input_tokens"]?.DeepClone(),
                    ["output_tokens"] = item["total_output_tokens"]?.DeepClone(),
                };
                break;
            case AssetCategories.McpServers:
                item["discovery_source"] = traced ? "trace" : litellm ? "litellm" : "network";
                break;
            case AssetCategories.McpTools or AssetCategories.McpResources:
                item["discovery_source"] = traced ? "trace" : litellm ? "litellm" : "introspection";
                item["server_id"] = (string?)item["server_id"] ?? string.Empty;
                if (category == AssetCategories.McpResources)
                {
                    item["usage"] = new JsonObject { ["access_count"] = item["observed"]?["invocations"]?.DeepClone() ?? 0 };
                }

                break;
            default:
                break;
        }

        foreach (string key in item.Where(p => p.Value is null).Select(p => p.Key).ToArray())
        {
            item.Remove(key);
        }

        return item;
    }

    private static OpenCiteExportStatistics Statistics(Dictionary<string, List<JsonObject>> groups)
    {
        var byProvider = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var bySource = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (JsonObject model in groups[AssetCategories.Models])
        {
            string provider = (string?)model["provider"] ?? "unknown";
            byProvider[provider] = byProvider.GetValueOrDefault(provider) + 1;
        }

        foreach (JsonObject item in groups[AssetCategories.Tools].Concat(groups[AssetCategories.Models]))
        {
            string source = (string?)item["discovery_source"] ?? "unknown";
            bySource[source] = bySource.GetValueOrDefault(source) + 1;
        }

        return new OpenCiteExportStatistics(
            groups[AssetCategories.Tools].Count, groups[AssetCategories.Models].Count, groups[AssetCategories.DataAssets].Count, 0, byProvider, bySource);
    }

    /// <summary>The body's plugins: OpenCITE's GUI sends the status document's plugins_enabled (type names).</summary>
    private static string[] Plugins(JsonObject body, List<(string, string)> errors)
    {
        if (!body.TryGetPropertyValue("plugins", out JsonNode? node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray list || list.Count > 64 || list.Any(p => p is not JsonValue v || !v.TryGetValue(out string? s) || s.Length is 0 or > 64))
        {
            errors.Add(("plugins", "must be a list of at most 64 plugin type names."));
            return [];
        }

        return [.. list.Select(p => p!.GetValue<string>()).Distinct(StringComparer.Ordinal)];
    }
}

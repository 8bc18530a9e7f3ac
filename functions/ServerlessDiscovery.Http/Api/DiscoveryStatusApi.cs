using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Api.OpenCite;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// OpenCITE's status and persistence documents: the discovery status (built here, served by the instances API's
/// /status), /stats, /persistence/status, /persistence/export and the save/load no-ops. Our state is Table Storage,
/// written as it changes, so persistence is always enabled and there is never anything to save or load.
/// </summary>
internal static class DiscoveryStatusApi
{
    /// <summary>Most rows /stats and /persistence/status read; past it their figures say they are partial.</summary>
    public const int MaxRowsCounted = 200_000;

    public static void MapDiscoveryStatusApi(this RouteGroupBuilder api)
    {
        api.MapGet("/stats", StatsAsync).WithTags("Status");
        RouteGroupBuilder persistence = api.MapGroup("/persistence").WithTags("Status");
        persistence.MapGet("/status", PersistenceStatusAsync);
        persistence.MapGet("/export", PersistenceExportAsync);
        persistence.MapPost("/save", () => TypedResults.Json<JsonNode>(new JsonObject
        {
            ["success"] = true,
            ["message"] = "Every change is stored in Table Storage as it happens; there is nothing to save.",
        }));
        persistence.MapPost("/load", () => TypedResults.Json<JsonNode>(new JsonObject
        {
            ["success"] = true,
            ["message"] = "Table Storage is the source of truth; no load needed.",
        }));
    }

    /// <summary>
    /// OpenCITE's GET /api/v1/status document for the tenant (running, plugins_enabled, last_updated, error,
    /// current_status, progress: one step per instance), with ours inside: the tenant, each instance's scan state.
    /// As in OpenCITE, a configured plugin counts as enabled and discovery as running once anything is configured:
    /// an instance with its schedule stopped still receives traces and can be refreshed.
    /// </summary>
    internal static DiscoveryStatusReply Status(string tenant, IReadOnlyList<PluginInstance> all, IReadOnlyList<InstanceStatusReply> instances, DateTimeOffset now)
    {
        bool scanning = all.Any(i => i.LeaseOwner is not null && i.LeaseUntil > now);
        PluginInstance[] failed = [.. all.Where(i => i.LastRunStatus == "failed").OrderBy(i => i.Id, StringComparer.Ordinal)];
        return new DiscoveryStatusReply(
            Running: all.Count > 0,
            PluginsEnabled: [.. all.Select(i => i.PluginType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            LastUpdated: all.Max(i => i.LastRunAt),
            Error: failed.Length == 0 ? null : $"The last scan of {string.Join(", ", failed.Select(i => i.Id))} failed; see GET /api/v1/instances/{{id}}/scans.",
            CurrentStatus: all.Count == 0 ? "Idle" : scanning ? "Discovering..." : "Plugins configured - ready to discover assets",
            Progress: [.. all.OrderBy(i => i.Id, StringComparer.Ordinal).Select(i => new DiscoveryProgressStep(
                i.Id,
                i.LastRunStatus is null ? $"{i.PluginType}: not scanned yet" : $"{i.PluginType}: last scan {i.LastRunStatus}",
                i.LastRunStatus switch { "failed" => "error", "succeeded" => "success", null => "pending", _ => "warning" }))],
            Tenant: tenant,
            Instances: instances,
            Count: instances.Count);
    }

    /// <summary>OpenCITE's {last_modified}: when the tenant's inventory last changed (an asset, its usage or an event).</summary>
    private static async Task<IResult> StatsAsync(HttpContext context, IInventoryStore store)
    {
        (DateTimeOffset? last, bool partial) = await store.LastModifiedAsync(context.User.GetCaller().Tenant, MaxRowsCounted, context.RequestAborted);
        return TypedResults.Json<JsonNode>(new JsonObject { ["last_modified"] = last, ["partial"] = partial });
    }

    /// <summary>OpenCITE's {enabled, stats}: how many of each kind the store holds (deleted assets not counted).</summary>
    private static async Task<IResult> PersistenceStatusAsync(HttpContext context, IInventoryStore store)
    {
        InventoryCounts counted = await store.CountAsync(context.User.GetCaller().Tenant, MaxRowsCounted, context.RequestAborted);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string type, int n) in counted.AssetsByType)
        {
            string category = AssetCategories.Of(type, null);
            counts[category] = counts.GetValueOrDefault(category) + n;
        }

        int relationships = counted.ActiveEdges;
        var stats = new JsonObject();
        foreach (string category in new[] { AssetCategories.Tools, AssetCategories.Models, AssetCategories.Agents, AssetCategories.DownstreamSystems })
        {
            stats[category] = counts.GetValueOrDefault(category);
        }

        stats["lineage_relationships"] = relationships;
        stats["lineage"] = relationships;
        foreach (string category in AssetCategories.All.Skip(4))
        {
            stats[category] = counts.GetValueOrDefault(category);
        }

        return TypedResults.Json<JsonNode>(new JsonObject
        {
            ["enabled"] = true,
            ["stats"] = stats,
            ["storage"] = "Azure Table Storage",
            ["partial"] = counted.Partial,
        });
    }

    /// <summary>
    /// OpenCITE's persistence export: exported_at, then each kind as an object keyed by asset id (an id that several
    /// instances report appears once per instance, the later ones keyed "{id} ({instance})"), and lineage as a list.
    /// </summary>
    private static async Task<IResult> PersistenceExportAsync(HttpContext context, IInventoryStore store, IToolMappingStore mappings, TimeProvider time)
    {
        string tenant = context.User.GetCaller().Tenant;
        TenantEstate estate = await TenantEstate.LoadAsync(store, mappings, tenant,
            new EstateQuery(null, null, null, null, IncludeDeleted: false, OpenCiteExport.MaxAssets), context.RequestAborted);
        var groups = AssetCategories.All.ToDictionary(c => c, _ => new JsonObject(), StringComparer.Ordinal);
        foreach ((Asset asset, AssetUsage? usage) in estate.Assets)
        {
            JsonObject item = OpenCiteItems.Item(asset, usage, estate);
            JsonObject group = groups[AssetCategories.Of(asset.Type, null)];
            string id = (string?)item["id"] ?? string.Empty;
            group[group.ContainsKey(id) ? $"{id} ({asset.Instance})" : id] = item;
        }

        var document = new JsonObject { ["exported_at"] = time.GetUtcNow() };
        foreach ((string category, JsonObject items) in groups)
        {
            document[category] = items;
        }

        document["lineage"] = new JsonArray([.. estate.Edges.Select(e => (JsonNode?)AssetRelations.ToOpenCite(e))]);
        document["tenant"] = tenant;
        document["truncated"] = estate.Truncated || estate.EdgesTruncated;
        return TypedResults.Json<JsonNode>(document);
    }
}

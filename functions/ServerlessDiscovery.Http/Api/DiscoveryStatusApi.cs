using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
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
        persistence.MapPost("/save", () => TypedResults.Ok(new PersistenceActionReply(true, "Every change is stored in Table Storage as it happens; there is nothing to save.")));
        persistence.MapPost("/load", () => TypedResults.Ok(new PersistenceActionReply(true, "Table Storage is the source of truth; no load needed.")));
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
    private static async Task<Ok<StatsReply>> StatsAsync(HttpContext context, IInventoryStore store)
    {
        (DateTimeOffset? last, bool partial) = await store.LastModifiedAsync(context.User.GetCaller().Tenant, MaxRowsCounted, context.RequestAborted);
        return TypedResults.Ok(new StatsReply(last, partial));
    }

    /// <summary>OpenCITE's {enabled, stats}: how many of each kind the store holds (deleted assets not counted).</summary>
    private static async Task<Ok<PersistenceStatusReply>> PersistenceStatusAsync(HttpContext context, IInventoryStore store)
    {
        InventoryCounts counted = await store.CountAsync(context.User.GetCaller().Tenant, MaxRowsCounted, context.RequestAborted);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string type, int n) in counted.AssetsByType)
        {
            string category = AssetCategories.Of(type, null);
            counts[category] = counts.GetValueOrDefault(category) + n;
        }

        int Count(string category) => counts.GetValueOrDefault(category);
        var stats = new PersistenceCounts(
            Tools: Count(AssetCategories.Tools),
            Models: Count(AssetCategories.Models),
            Agents: Count(AssetCategories.Agents),
            DownstreamSystems: Count(AssetCategories.DownstreamSystems),
            LineageRelationships: counted.ActiveEdges,
            Lineage: counted.ActiveEdges,
            McpServers: Count(AssetCategories.McpServers),
            McpTools: Count(AssetCategories.McpTools),
            McpResources: Count(AssetCategories.McpResources),
            DataAssets: Count(AssetCategories.DataAssets),
            Identities: Count(AssetCategories.Identities),
            McpPrompts: Count(AssetCategories.McpPrompts));
        return TypedResults.Ok(new PersistenceStatusReply(true, stats, "Azure Table Storage", counted.Partial));
    }

    /// <summary>
    /// OpenCITE's persistence export: exported_at, then each kind as an object keyed by asset id (an id that several
    /// instances report appears once per instance, the later ones keyed "{id} ({instance})"), and lineage as a list.
    /// </summary>
    private static async Task<Ok<PersistenceExportReply>> PersistenceExportAsync(HttpContext context, IInventoryStore store, IToolMappingStore mappings, TimeProvider time)
    {
        string tenant = context.User.GetCaller().Tenant;
        TenantEstate estate = await TenantEstate.LoadAsync(store, mappings, tenant,
            new EstateQuery(null, null, null, null, IncludeDeleted: false, OpenCiteExport.MaxAssets), context.RequestAborted);
        var groups = AssetCategories.All.ToDictionary(c => c, _ => new OrderedDictionary<string, JsonObject>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach ((Asset asset, AssetUsage? usage) in estate.Assets)
        {
            JsonObject item = OpenCiteItems.Item(asset, usage, estate);
            OrderedDictionary<string, JsonObject> group = groups[AssetCategories.Of(asset.Type, null)];
            string id = (string?)item["id"] ?? string.Empty;
            group[group.ContainsKey(id) ? $"{id} ({asset.Instance})" : id] = item;
        }

        return TypedResults.Ok(new PersistenceExportReply(
            ExportedAt: time.GetUtcNow(),
            Tools: groups[AssetCategories.Tools],
            Models: groups[AssetCategories.Models],
            Agents: groups[AssetCategories.Agents],
            DownstreamSystems: groups[AssetCategories.DownstreamSystems],
            McpServers: groups[AssetCategories.McpServers],
            McpTools: groups[AssetCategories.McpTools],
            McpResources: groups[AssetCategories.McpResources],
            DataAssets: groups[AssetCategories.DataAssets],
            Identities: groups[AssetCategories.Identities],
            McpPrompts: groups[AssetCategories.McpPrompts],
            Lineage: [.. estate.Edges.Select(AssetRelations.ToOpenCite)],
            Tenant: tenant,
            Truncated: estate.Truncated || estate.EdgesTruncated));
    }
}

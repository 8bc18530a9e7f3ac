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
/// The read side, in OpenCITE's shapes: assets grouped by category with lineage and totals, per-type lists, lineage
/// and the export; one asset merged over the instances that saw it; and the filters the paged flat listing
/// (<see cref="InventoryApi"/>) shares. Everything is read through <see cref="IInventoryStore"/>.
/// </summary>
internal static class AssetsApi
{
    /// <summary>Most assets one OpenCITE-shaped document (grouped assets, a per-type list) carries; more sets truncated.</summary>
    public const int MaxDocumentAssets = 10_000;

    private const int MaxSearchChars = 256;

    public static void MapAssetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets", GroupedAsync).WithTags("Assets");
        api.MapGet("/assets/{type}/{**id}", GetAsync).WithTags("Assets").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/tools", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.Tools, (items, truncated) => new ToolList(items, items.Count, truncated))).WithTags("Assets");
        api.MapGet("/models", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.Models, (items, truncated) => new ModelList(items, items.Count, truncated))).WithTags("Assets");
        api.MapGet("/agents", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.Agents, (items, truncated) => new AgentList(items, items.Count, truncated))).WithTags("Assets");
        api.MapGet("/downstream", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.DownstreamSystems, (items, truncated) => new DownstreamList(items, items.Count, truncated))).WithTags("Assets");
        api.MapGet("/mcp/servers", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.McpServers, (items, truncated) => new McpServerList(items, items.Count, truncated))).WithTags("Assets");
        api.MapGet("/mcp/tools", (HttpContext c, IInventoryStore s, IToolMappingStore m, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
            TypeListAsync(new(c, s, m, instance, provenance, include_deleted, server_id), AssetCategories.McpTools, (items, truncated) => new ToolList(items, items.Count, truncated))).WithTags("Assets");

        api.MapGet("/lineage", LineageAsync).WithTags("Assets");
        api.MapOpenCiteExport();

        // OpenCITE serves a rendered graph here; the dashboard's lineage view is ours. A redirect carries nothing of
        // the tenant's, so it needs no key (OpenCITE's GUI loads it in a frame that could not send one).
        api.MapGet("/lineage-graph", () => TypedResults.Redirect("/ui/#/lineage")).WithTags("Assets").AllowAnonymous().Produces(StatusCodes.Status302Found);
    }

    /// <summary>
    /// OpenCITE's GET /api/v1/assets: every category's list, the lineage among them, totals, a timestamp and whether
    /// discovery is configured (any instance, as /status's running); <c>type</c> as OpenCITE takes it, and our
    /// filters. At most <c>limit</c> assets (default and most <see cref="MaxDocumentAssets"/>); <c>truncated</c> says
    /// when there were more, and the paged /api/v1/inventory lists them all.
    /// </summary>
    private static async Task<Results<Ok<GroupedAssetsReply>, ValidationProblem>> GroupedAsync(
        HttpContext context, IInventoryStore store, IToolMappingStore mappings, IInstanceStore instances, TimeProvider time,
        string? type, string? instance, string? q, string? provenance, int? limit, bool? include_deleted)
    {
        if (Invalid(type, instance, q, provenance, limit, MaxDocumentAssets) is { } invalid)
        {
            return invalid;
        }

        string tenant = context.User.GetCaller().Tenant;
        int cap = limit ?? MaxDocumentAssets;
        TenantEstate estate = await TenantEstate.LoadAsync(store, mappings, tenant,
            new EstateQuery(instance, AssetCategories.TypesFor(type), q, provenance, include_deleted ?? false, cap), context.RequestAborted);
        var groups = AssetCategories.All.ToDictionary(c => c, _ => new List<JsonObject>(), StringComparer.Ordinal);
        foreach ((Asset asset, AssetUsage? used) in estate.Assets)
        {
            (string category, JsonObject item) = OpenCiteItems.Categorised(asset, used, estate);
            if (AssetCategories.Wanted(type, category))
            {
                groups[category].Add(item);
            }
        }

        IReadOnlyList<PluginInstance> configured = await instances.ListAsync(tenant, context.RequestAborted);
        return TypedResults.Ok(new GroupedAssetsReply(
            groups.ToDictionary(g => g.Key, g => (IReadOnlyList<JsonObject>)[.. ByName(g.Value)], StringComparer.Ordinal),
            [.. estate.Edges.Select(AssetRelations.ToOpenCite)],
            groups.ToDictionary(g => g.Key, g => g.Value.Count, StringComparer.Ordinal),
            time.GetUtcNow(),
            configured.Count > 0,
            tenant,
            cap,
            estate.Truncated,
            estate.EdgesTruncated,
            "/api/v1/inventory"));
    }

    private static async Task<Results<Ok<AssetReply>, ProblemHttpResult>> GetAsync(string type, string id, HttpContext context, IInventoryStore store)
    {
        string tenant = context.User.GetCaller().Tenant;
        List<Asset> assets = [.. await store.FindAssetAsync(tenant, new AssetKey(type, id), context.RequestAborted)];
        if (assets.Count == 0)
        {
            return ApiRequest.NotFound($"No {type} asset '{id}' in this tenant.");
        }

        // Declared before trace-derived, then newest change first: that one supplies name and attributes; the others add their sightings.
        assets.Sort((a, b) => Provenance.IsTraceDerived(a) != Provenance.IsTraceDerived(b) ? (Provenance.IsTraceDerived(a) ? 1 : -1)
            : Nullable.Compare(b.LastChanged, a.LastChanged));
        var usage = await store.ReadUsageAsync(tenant, assets.Where(a => !Provenance.IsTraceDerived(a)).Select(a => a.Instance), context.RequestAborted);
        return TypedResults.Ok(AssetReply.Merge(assets, usage.GetValueOrDefault((assets[0].Instance, assets[0].Key))));
    }

    /// <summary>
    /// What a per-type list takes. Each route binds it in its own non-generic lambda: the compile-time request delegate
    /// generator cannot bind a handler declared inside a generic method, nor an [AsParameters] record with nullable members.
    /// </summary>
    private sealed record TypeListQuery(
        HttpContext Context, IInventoryStore Store, IToolMappingStore Mappings, string? Instance, string? Provenance, bool? IncludeDeleted, string? ServerId);

    /// <summary>
    /// OpenCITE's per-type lists ({key: [...], count}) with its item fields: every asset of the category's types
    /// (downstream systems of a data kind included, as OpenCITE lists them here), at most <see cref="MaxDocumentAssets"/>.
    /// </summary>
    private static async Task<Results<Ok<TReply>, ValidationProblem>> TypeListAsync<TReply>(TypeListQuery query, string category, Func<IReadOnlyList<JsonObject>, bool, TReply> reply)
    {
        if (Invalid(null, query.Instance, null, query.Provenance, null, MaxDocumentAssets) is { } invalid)
        {
            return invalid;
        }

        HttpContext context = query.Context;
        TenantEstate estate = await TenantEstate.LoadAsync(query.Store, query.Mappings, context.User.GetCaller().Tenant,
            new EstateQuery(query.Instance, AssetCategories.TypesFor(category), null, query.Provenance, query.IncludeDeleted ?? false, MaxDocumentAssets), context.RequestAborted);
        var items = estate.Assets.Select(a => OpenCiteItems.Item(a.Asset, a.Usage, estate))
            .Where(i => query.ServerId is null || (string?)i["server_id"] == query.ServerId);
        return TypedResults.Ok(reply([.. ByName(items)], estate.Truncated));
    }

    /// <summary>
    /// Relationships ({relationships, count}) in OpenCITE's shape (relationship_type, weight, first_seen, last_seen)
    /// with ours inside; <c>source_id</c> as OpenCITE's reference documents it (relationships from that asset), and
    /// <c>target_id</c>. At most <see cref="TenantEstate.MaxEdges"/>; truncated says when there were more.
    /// </summary>
    private static async Task<Ok<LineageReply>> LineageAsync(HttpContext context, IInventoryStore store, string? source_id, string? target_id, bool? include_deleted)
    {
        var items = new List<JsonObject>();
        bool truncated = false;
        await foreach (Edge edge in store.QueryEdgesAsync(new EdgeListing(context.User.GetCaller().Tenant, SourceId: source_id, TargetId: target_id), context.RequestAborted))
        {
            if ((include_deleted ?? false) || edge.State == AssetState.Active)
            {
                if (items.Count >= TenantEstate.MaxEdges)
                {
                    truncated = true;
                    break;
                }

                items.Add(AssetRelations.ToOpenCite(edge));
            }
        }

        return TypedResults.Ok(new LineageReply(items, items.Count, truncated));
    }

    /// <summary>The filters the listings share, checked before any read: every bad one is listed.</summary>
    private static ValidationProblem? Invalid(string? type, string? instance, string? q, string? provenance, int? limit, int maxLimit)
    {
        var errors = new List<(string, string)>();
        if (limit is { } n && (n < 1 || n > maxLimit))
        {
            errors.Add(("limit", $"must be between 1 and {maxLimit}."));
        }

        if (provenance is not null && !Provenance.Values.Contains(provenance))
        {
            errors.Add(("provenance", $"must be one of: {string.Join(", ", Provenance.Values)}."));
        }

        if (instance is not null && !Engine.Instances.InstanceIds.IsValid(instance))
        {
            errors.Add(("instance", "is not a valid instance id."));
        }

        if (type is not null && (type.Length > 64 || !type.All(c => char.IsAsciiLetterLower(c) || c == '_')))
        {
            errors.Add(("type", "is not an asset type."));
        }

        if (q is { Length: > MaxSearchChars })
        {
            errors.Add(("q", $"must be at most {MaxSearchChars} characters."));
        }

        return errors.Count == 0 ? null : ApiRequest.Invalid(errors);
    }

    /// <summary>Items by name, then id: the order OpenCITE's GUI shows them in, and a stable one.</summary>
    internal static IEnumerable<JsonObject> ByName(IEnumerable<JsonObject> items) =>
        items.OrderBy(i => (string?)i["name"], StringComparer.OrdinalIgnoreCase).ThenBy(i => (string?)i["id"], StringComparer.Ordinal).ThenBy(i => (string?)i["instance"], StringComparer.Ordinal);

    internal static bool Visible(Asset asset, bool includeDeleted) =>
        includeDeleted || asset.State != AssetState.Deleted;

    internal static bool Matches(Asset asset, string? q) =>
        string.IsNullOrEmpty(q)
        || (asset.Name?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || asset.Id.Contains(q, StringComparison.OrdinalIgnoreCase);
}

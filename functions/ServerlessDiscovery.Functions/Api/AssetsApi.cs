using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Mappings;
using ServerlessDiscovery.Functions.Api.OpenCite;
using ServerlessDiscovery.Functions.Security;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>
/// The read side, in OpenCITE's shapes: assets grouped by category with lineage and totals, per-type lists, lineage
/// and the export; one asset merged over the instances that saw it; and the filters the paged flat listing
/// (<see cref="InventoryApi"/>) shares. Assets of a tenant live in partitions {tenant}~{instance} of the assets table.
/// </summary>
internal static class AssetsApi
{
    /// <summary>Most assets one OpenCITE-shaped document (grouped assets, a per-type list) carries; more sets truncated.</summary>
    public const int MaxDocumentAssets = 10_000;

    private const int MaxSearchChars = 256;

    private static readonly (string Path, string Key, string Category)[] TypeLists =
    [
        ("/tools", "tools", AssetCategories.Tools),
        ("/models", "models", AssetCategories.Models),
        ("/agents", "agents", AssetCategories.Agents),
        ("/downstream", "downstream_systems", AssetCategories.DownstreamSystems),
        ("/mcp/servers", "servers", AssetCategories.McpServers),
        ("/mcp/tools", "tools", AssetCategories.McpTools),
    ];

    public static void MapAssetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets", GroupedAsync).WithTags("Assets");
        api.MapGet("/assets/{type}/{**id}", GetAsync).WithTags("Assets");
        foreach ((string path, string key, string category) in TypeLists)
        {
            api.MapGet(path, (HttpContext context, TableStore tables, TenantInventory inventory, ToolMappingStore mappings, string? instance, string? provenance, bool? include_deleted, string? server_id) =>
                TypeListAsync(context, tables, inventory, mappings, key, category, instance, provenance, include_deleted ?? false, server_id)).WithTags("Assets");
        }

        api.MapGet("/lineage", LineageAsync).WithTags("Assets");
        api.MapPost("/export", OpenCiteExport.ExportAsync).WithTags("Assets");

        // OpenCITE serves a rendered graph here; the dashboard's lineage view is ours. A redirect carries nothing of
        // the tenant's, so it needs no key (OpenCITE's GUI loads it in a frame that could not send one).
        api.MapGet("/lineage-graph", () => TypedResults.Redirect("/ui/#/lineage")).WithTags("Assets").AllowAnonymous();
    }

    /// <summary>
    /// OpenCITE's GET /api/v1/assets: every category's list, the lineage among them, totals, a timestamp and whether
    /// discovery is configured (any instance, as /status's running); <c>type</c> as OpenCITE takes it, and our
    /// filters. At most <c>limit</c> assets (default and most <see cref="MaxDocumentAssets"/>); <c>truncated</c> says
    /// when there were more, and the paged /api/v1/inventory lists them all.
    /// </summary>
    private static async Task<IResult> GroupedAsync(
        HttpContext context, TableStore tables, TenantInventory inventory, ToolMappingStore mappings, IInstanceStore instances, TimeProvider time,
        string? type, string? instance, string? q, string? provenance, int? limit, bool? include_deleted)
    {
        if (Invalid(type, instance, q, provenance, limit, MaxDocumentAssets) is { } invalid)
        {
            return invalid;
        }

        string tenant = context.User.GetCaller().Tenant;
        int cap = limit ?? MaxDocumentAssets;
        TenantEstate estate = await TenantEstate.LoadAsync(tables, inventory, mappings, tenant,
            new EstateQuery(instance, AssetCategories.TypesFor(type), q, provenance, include_deleted ?? false, cap), context.RequestAborted);
        var groups = AssetCategories.All.ToDictionary(c => c, _ => new List<JsonObject>(), StringComparer.Ordinal);
        foreach ((TableEntity row, TableEntity? used) in estate.Assets)
        {
            (string category, JsonObject item) = OpenCiteItems.Categorised(row, used, estate);
            if (AssetCategories.Wanted(type, category))
            {
                groups[category].Add(item);
            }
        }

        IReadOnlyList<PluginInstance> configured = await instances.ListAsync(tenant, context.RequestAborted);
        var assets = new JsonObject(groups.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. ByName(g.Value)]))));
        return TypedResults.Json<JsonNode>(new JsonObject
        {
            ["assets"] = assets,
            ["lineage"] = new JsonArray([.. estate.Edges.Select(e => (JsonNode?)AssetRelations.ToOpenCite(e))]),
            ["totals"] = new JsonObject(groups.Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Value.Count))),
            ["timestamp"] = time.GetUtcNow(),
            ["discovering"] = configured.Count > 0,
            ["tenant"] = tenant,
            ["limit"] = cap,
            ["truncated"] = estate.Truncated,
            ["lineage_truncated"] = estate.EdgesTruncated,
            ["inventory"] = "/api/v1/inventory",
        });
    }

    private static async Task<IResult> GetAsync(string type, string id, HttpContext context, TableStore tables, TenantInventory inventory)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, context.RequestAborted);
        string tenant = context.User.GetCaller().Tenant;
        string filter = TableQueries.And(Partitions(tenant, null), TableQueries.Equal("RowKey", StorageKeys.AssetRow(type, id)));
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: context.RequestAborted))
        {
            rows.Add(row);
        }

        if (rows.Count == 0)
        {
            return ApiRequest.NotFound($"No {type} asset '{id}' in this tenant.");
        }

        // Declared rows before trace-derived ones, then newest change first: that row supplies name and attributes; the others add their sightings.
        rows.Sort((a, b) => Provenance.IsTraceDerived(a) != Provenance.IsTraceDerived(b) ? (Provenance.IsTraceDerived(a) ? 1 : -1)
            : Nullable.Compare(b.GetDateTimeOffset(AssetColumns.LastChanged), a.GetDateTimeOffset(AssetColumns.LastChanged)));
        var usage = await inventory.UsageAsync(rows.Where(r => !Provenance.IsTraceDerived(r)).Select(r => r.PartitionKey), context.RequestAborted);
        TableEntity? used = usage.GetValueOrDefault((rows[0].PartitionKey, UsageRows.Prefix + rows[0].RowKey));
        JsonObject merged = AssetRows.ToJson(rows[0], used);
        merged.Remove("instance");
        merged["first_seen"] = rows.Min(r => r.GetDateTimeOffset(AssetColumns.FirstSeen));
        merged["last_seen"] = rows.Max(r => r.GetDateTimeOffset(AssetColumns.LastSeen));
        merged["state"] = rows.Any(r => r.GetString(AssetColumns.State) == AssetState.Active) ? AssetState.Active
            : rows.Any(r => r.GetString(AssetColumns.State) == AssetState.Stale) ? AssetState.Stale : AssetState.Deleted;
        merged["sources"] = new JsonArray([.. rows.Select(r => (JsonNode?)new JsonObject
        {
            ["instance"] = r.GetString(AssetColumns.Instance),
            ["version"] = r.GetInt64(AssetColumns.Version),
            ["state"] = r.GetString(AssetColumns.State),
            ["first_seen"] = r.GetDateTimeOffset(AssetColumns.FirstSeen),
            ["last_seen"] = r.GetDateTimeOffset(AssetColumns.LastSeen),
        })]);
        return TypedResults.Json<JsonNode>(merged);
    }

    /// <summary>
    /// OpenCITE's per-type lists ({key: [...], count}) with its item fields: every asset of the category's types
    /// (downstream systems of a data kind included, as OpenCITE lists them here), at most <see cref="MaxDocumentAssets"/>.
    /// </summary>
    private static async Task<IResult> TypeListAsync(
        HttpContext context, TableStore tables, TenantInventory inventory, ToolMappingStore mappings, string key, string category,
        string? instance, string? provenance, bool includeDeleted, string? serverId)
    {
        if (Invalid(null, instance, null, provenance, null, MaxDocumentAssets) is { } invalid)
        {
            return invalid;
        }

        TenantEstate estate = await TenantEstate.LoadAsync(tables, inventory, mappings, context.User.GetCaller().Tenant,
            new EstateQuery(instance, AssetCategories.TypesFor(category), null, provenance, includeDeleted, MaxDocumentAssets), context.RequestAborted);
        var items = estate.Assets.Select(a => OpenCiteItems.Item(a.Row, a.Usage, estate))
            .Where(i => serverId is null || (string?)i["server_id"] == serverId);
        JsonArray list = [.. ByName(items)];
        return TypedResults.Json<JsonNode>(new JsonObject { [key] = list, ["count"] = list.Count, ["truncated"] = estate.Truncated });
    }

    /// <summary>
    /// Relationships ({relationships, count}) in OpenCITE's shape (relationship_type, weight, first_seen, last_seen)
    /// with ours inside; <c>source_id</c> as OpenCITE's reference documents it (relationships from that asset), and
    /// <c>target_id</c>. At most <see cref="TenantEstate.MaxEdges"/>; truncated says when there were more.
    /// </summary>
    private static async Task<IResult> LineageAsync(HttpContext context, TableStore tables, string? source_id, string? target_id, bool? include_deleted)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, context.RequestAborted);
        string filter = TableQueries.And(
            Partitions(context.User.GetCaller().Tenant, null),
            source_id is null ? null : TableQueries.Equal(EdgeColumns.SourceId, source_id),
            target_id is null ? null : TableQueries.Equal(EdgeColumns.TargetId, target_id));
        var items = new JsonArray();
        bool truncated = false;
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: context.RequestAborted))
        {
            if ((include_deleted ?? false) || row.GetString(EdgeColumns.State) == AssetState.Active)
            {
                if (items.Count >= TenantEstate.MaxEdges)
                {
                    truncated = true;
                    break;
                }

                items.Add(AssetRelations.ToOpenCite(row));
            }
        }

        return TypedResults.Json<JsonNode>(new JsonObject { ["relationships"] = items, ["count"] = items.Count, ["truncated"] = truncated });
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
    internal static IEnumerable<JsonNode?> ByName(IEnumerable<JsonObject> items) =>
        items.OrderBy(i => (string?)i["name"], StringComparer.OrdinalIgnoreCase).ThenBy(i => (string?)i["id"], StringComparer.Ordinal).ThenBy(i => (string?)i["instance"], StringComparer.Ordinal);

    /// <summary>The tenant's asset rows, or one instance's, optionally limited to some types; outbox and usage rows excluded.</summary>
    internal static string Filter(string tenant, string? instance, string[]? types)
    {
        string rows = types is null
            ? "RowKey ge 'a'"
            : string.Join(" or ", types.Select(t => "(" + TableQueries.Range("RowKey", StorageKeys.TypePrefix(t)) + ")"));
        return TableQueries.And(Partitions(tenant, instance), rows);
    }

    /// <summary>The tenant's partitions ({tenant}~{instance}), or one instance's.</summary>
    internal static string Partitions(string tenant, string? instance) =>
        instance is null ? TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator) : TableQueries.Partition(StorageKeys.Partition(tenant, instance));

    internal static bool Visible(TableEntity row, bool includeDeleted) =>
        includeDeleted || row.GetString(AssetColumns.State) != AssetState.Deleted;

    internal static bool Matches(TableEntity row, string? q) =>
        string.IsNullOrEmpty(q)
        || (row.GetString(AssetColumns.Name)?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false)
        || (row.GetString(AssetColumns.Id)?.Contains(q, StringComparison.OrdinalIgnoreCase) ?? false);
}

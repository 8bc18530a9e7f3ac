using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Functions.Security;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>
/// The read side, in OpenCITE's shapes: assets (paged, filtered), one asset merged over the instances that saw it,
/// per-type lists, lineage and the export. Assets of a tenant live in partitions {tenant}~{instance} of the assets table.
/// </summary>
internal static class AssetsApi
{
    private const int MaxExport = 50_000;

    private static readonly (string Path, string Key, string[] Types)[] TypeLists =
    [
        ("/tools", "tools", ["tool"]),
        ("/models", "models", ["model", "generative_model"]),
        ("/agents", "agents", ["agent"]),
        ("/downstream", "downstream", ["downstream_system"]),
        ("/mcp/servers", "servers", ["mcp_server"]),
        ("/mcp/tools", "tools", ["mcp_tool"]),
    ];

    public static void MapAssetsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/assets", ([AsParameters] InventoryQuery query, HttpContext context, TableStore tables, TenantInventory inventory) =>
            InventoryApi.ListAsync(query, "assets", context, tables, inventory)).WithTags("Assets");
        api.MapGet("/assets/{type}/{**id}", GetAsync).WithTags("Assets");
        foreach ((string path, string key, string[] types) in TypeLists)
        {
            api.MapGet(path, (HttpContext context, TableStore tables, TenantInventory inventory, string? instance, string? provenance, bool? include_deleted) =>
                TypeListAsync(context, tables, inventory, key, types, instance, provenance, include_deleted ?? false)).WithTags("Assets");
        }

        api.MapGet("/lineage", LineageAsync).WithTags("Assets");
        api.MapPost("/export", ExportAsync).WithTags("Assets");
    }

    private static async Task<IResult> GetAsync(string type, string id, HttpContext context, TableStore tables, TenantInventory inventory)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, context.RequestAborted);
        string tenant = context.User.GetCaller().Tenant;
        string filter = TableQueries.And(TenantPartitions(tenant), TableQueries.Equal("RowKey", StorageKeys.AssetRow(type, id)));
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

    private static async Task<IResult> TypeListAsync(
        HttpContext context, TableStore tables, TenantInventory inventory, string key, string[] types, string? instance, string? provenance, bool includeDeleted)
    {
        if (instance is not null && !Engine.Instances.InstanceIds.IsValid(instance))
        {
            return ApiRequest.Invalid([("instance", "is not a valid instance id.")]);
        }

        if (InvalidProvenance(provenance) is { } invalid)
        {
            return invalid;
        }

        TableClient table = await tables.GetTableAsync(TableNames.Assets, context.RequestAborted);
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(Filter(context.User.GetCaller().Tenant, instance, types), cancellationToken: context.RequestAborted))
        {
            if (Visible(row, includeDeleted))
            {
                rows.Add(row);
            }
        }

        var usage = await inventory.UsageAsync(rows.Where(r => !Provenance.IsTraceDerived(r)).Select(r => r.PartitionKey), context.RequestAborted);
        var items = new JsonArray();
        foreach (TableEntity row in rows)
        {
            TableEntity? used = usage.GetValueOrDefault((row.PartitionKey, UsageRows.Prefix + row.RowKey));
            if (provenance is null || Provenance.Of(row, used) == provenance)
            {
                items.Add(AssetRows.ToJson(row, used));
            }
        }

        return TypedResults.Json<JsonNode>(new JsonObject { [key] = items, ["count"] = items.Count });
    }

    private static async Task<IResult> LineageAsync(HttpContext context, TableStore tables, string? source_id, string? target_id, bool? include_deleted)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, context.RequestAborted);
        string filter = TableQueries.And(
            TenantPartitions(context.User.GetCaller().Tenant),
            source_id is null ? null : TableQueries.Equal(EdgeColumns.SourceId, source_id),
            target_id is null ? null : TableQueries.Equal(EdgeColumns.TargetId, target_id));
        var items = new JsonArray();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: context.RequestAborted))
        {
            if ((include_deleted ?? false) || row.GetString(EdgeColumns.State) == AssetState.Active)
            {
                items.Add(EdgeRows.ToJson(row));
            }
        }

        return TypedResults.Json<JsonNode>(new JsonObject { ["relationships"] = items, ["count"] = items.Count });
    }

    private static async Task<IResult> ExportAsync(HttpContext context, TableStore tables, TenantInventory inventory, TimeProvider time)
    {
        string tenant = context.User.GetCaller().Tenant;
        TenantRows tenantRows = await inventory.LoadAsync(tenant, context.RequestAborted);
        var byType = new SortedDictionary<string, JsonArray>(StringComparer.Ordinal);
        int count = 0;
        bool truncated = false;
        foreach (TableEntity row in tenantRows.Assets)
        {
            if (!Visible(row, includeDeleted: false))
            {
                continue;
            }

            if (++count > MaxExport)
            {
                truncated = true;
                break;
            }

            string type = row.GetString(AssetColumns.Type) ?? "unknown";
            if (!byType.TryGetValue(type, out JsonArray? list))
            {
                byType[type] = list = [];
            }

            list.Add(AssetRows.ToJson(row, tenantRows.UsageOf(row)));
        }

        TableClient edges = await tables.GetTableAsync(TableNames.Edges, context.RequestAborted);
        var relationships = new JsonArray();
        await foreach (TableEntity row in edges.QueryAsync<TableEntity>(TenantPartitions(tenant), cancellationToken: context.RequestAborted))
        {
            if (row.GetString(EdgeColumns.State) == AssetState.Active)
            {
                relationships.Add(EdgeRows.ToJson(row));
            }
        }

        var export = new JsonObject
        {
            ["format"] = "opencite-export",
            ["version"] = "1.0",
            ["exported_at"] = time.GetUtcNow(),
            ["tenant"] = tenant,
            ["assets"] = new JsonObject(byType.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["relationships"] = relationships,
            ["count"] = Math.Min(count, MaxExport),
            ["truncated"] = truncated,
        };
        return TypedResults.Json<JsonNode>(export);
    }

    private static ValidationProblem? InvalidProvenance(string? provenance) =>
        provenance is null || Provenance.Values.Contains(provenance)
            ? null
            : ApiRequest.Invalid([("provenance", $"must be one of: {string.Join(", ", Provenance.Values)}.")]);

    internal static bool Visible(TableEntity row, bool includeDeleted) =>
        includeDeleted || row.GetString(AssetColumns.State) != AssetState.Deleted;

    /// <summary>The tenant's asset partitions, or one instance's, optionally limited to some types; outbox rows excluded.</summary>
    internal static string Filter(string tenant, string? instance, string[]? types)
    {
        string partitions = instance is null ? TenantPartitions(tenant) : TableQueries.Partition(StorageKeys.Partition(tenant, instance));
        string rows = types is null
            ? "RowKey ge 'a'"
            : string.Join(" or ", types.Select(t => "(" + TableQueries.Range("RowKey", StorageKeys.TypePrefix(t)) + ")"));
        return TableQueries.And(partitions, rows);
    }

    private static string TenantPartitions(string tenant) => TableQueries.Range("PartitionKey", tenant + StorageKeys.Separator);
}

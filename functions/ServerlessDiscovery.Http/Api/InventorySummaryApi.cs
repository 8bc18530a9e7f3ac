using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Security;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /api/v1/inventory/summary: how many of the tenant's assets (not deleted) there are, by type, by source instance
/// and by provenance, counted where the rows are instead of by a client paging through the whole listing. The
/// dashboard's overview reads it. At most <see cref="MaxRowsCounted"/> rows are read; <c>partial</c> says when there were more.
/// </summary>
internal static class InventorySummaryApi
{
    /// <summary>Most asset rows one summary reads (the same bound as the OpenCITE statistics).</summary>
    public const int MaxRowsCounted = 200_000;

    public static void MapInventorySummaryApi(this RouteGroupBuilder api) =>
        api.MapGet("/inventory/summary", SummaryAsync)
            .WithTags("Assets")
            .WithSummary("Counts of the tenant's assets by type, source and provenance");

    private static async Task<Ok<InventorySummary>> SummaryAsync(HttpContext context, TableStore tables, TenantInventory inventory)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, context.RequestAborted);
        string filter = AssetsApi.Filter(context.User.GetCaller().Tenant, null, null);
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byInstance = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byProvenance = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int total = 0, read = 0;
        string? token = null;
        do
        {
            TablePage<TableEntity> page = await table.QueryPageAsync<TableEntity>(filter, TableQueries.MaxPageSize, token, cancellationToken: context.RequestAborted);
            token = page.ContinuationToken;
            read += page.Items.Count;
            var usage = await inventory.UsageAsync(page.Items.Where(r => !Provenance.IsTraceDerived(r)).Select(r => r.PartitionKey), context.RequestAborted);
            foreach (TableEntity row in page.Items.Where(r => AssetsApi.Visible(r, includeDeleted: false)))
            {
                total++;
                Bump(byType, row.GetString(AssetColumns.Type));
                Bump(byInstance, row.GetString(AssetColumns.Instance));
                Bump(byProvenance, Provenance.Of(row, usage.GetValueOrDefault((row.PartitionKey, UsageRows.Prefix + row.RowKey))));
            }
        }
        while (token is not null && read < MaxRowsCounted);

        return TypedResults.Ok(new InventorySummary(total, byType, byInstance, byProvenance, Partial: token is not null));
    }

    private static void Bump(SortedDictionary<string, int> counts, string? key)
    {
        string k = key ?? "(none)";
        counts[k] = counts.GetValueOrDefault(k) + 1;
    }
}

/// <summary>The tenant's asset counts; <c>partial</c> when the count stopped at its bound.</summary>
internal sealed record InventorySummary(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("by_type")] IReadOnlyDictionary<string, int> ByType,
    [property: JsonPropertyName("by_instance")] IReadOnlyDictionary<string, int> ByInstance,
    [property: JsonPropertyName("by_provenance")] IReadOnlyDictionary<string, int> ByProvenance,
    [property: JsonPropertyName("partial")] bool Partial);

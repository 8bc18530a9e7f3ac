using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /api/v1/inventory/summary: how many of the tenant's assets (not deleted) there are, by type, by source instance
/// and by provenance, counted where the assets are instead of by a client paging through the whole listing. The
/// dashboard's overview reads it. At most <see cref="MaxRowsCounted"/> rows are read; <c>partial</c> says when there were more.
/// </summary>
internal static class InventorySummaryApi
{
    /// <summary>Most asset rows one summary reads (the same bound as the OpenCITE statistics).</summary>
    public const int MaxRowsCounted = 200_000;

    /// <summary>Assets read per page (the table service's page size).</summary>
    private const int PageSize = 1000;

    public static void MapInventorySummaryApi(this RouteGroupBuilder api) =>
        api.MapGet("/inventory/summary", SummaryAsync)
            .WithTags("Assets")
            .WithSummary("Counts of the tenant's assets by type, source and provenance");

    private static async Task<Ok<InventorySummary>> SummaryAsync(HttpContext context, IInventoryStore store)
    {
        string tenant = context.User.GetCaller().Tenant;
        var listing = new AssetListing(tenant);
        var byType = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byInstance = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byProvenance = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int total = 0, read = 0;
        string? token = null;
        do
        {
            AssetPage page = await store.ListAssetsAsync(listing, PageSize, token, context.RequestAborted);
            token = page.ContinuationToken;
            read += page.Assets.Count;
            var usage = await store.ReadUsageAsync(tenant, page.Assets.Where(a => !Provenance.IsTraceDerived(a)).Select(a => a.Instance), context.RequestAborted);
            foreach (Asset asset in page.Assets.Where(a => AssetsApi.Visible(a, includeDeleted: false)))
            {
                total++;
                Bump(byType, asset.Type);
                Bump(byInstance, asset.Instance);
                Bump(byProvenance, Provenance.Of(asset, usage.GetValueOrDefault((asset.Instance, asset.Key))));
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

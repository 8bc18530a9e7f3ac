using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /api/v1/inventory: the tenant's assets as one flat, paged listing <c>{items, count, continuationToken}</c>,
/// filtered by type, instance, state, provenance and a text search over name and id. The dashboard and the CLI page
/// through it; <c>/api/v1/assets</c> is OpenCITE's shape.
/// </summary>
internal static class InventoryApi
{
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxSearchChars = 256;
    private static readonly string[] States = [AssetState.Active, AssetState.Stale, AssetState.Deleted];

    public static void MapInventoryApi(this RouteGroupBuilder api) =>
        api.MapGet("/inventory", ([AsParameters] InventoryQuery query, HttpContext context, IInventoryStore store) => ListAsync(query, context, store))
            .WithTags("Assets")
            .WithSummary("The tenant's assets, flat and paged")
            .WithDescription("type, instance, state (active | stale | deleted), provenance (declared | observed | both), q (text in name or id), limit (1-1000, default 100), continuationToken. Deleted assets appear only with state=deleted or include_deleted=true.");

    /// <summary>One page of the listing; pages of the table are read until it is full or the table ends.</summary>
    private static async Task<Results<Ok<InventoryPage>, ValidationProblem>> ListAsync(InventoryQuery query, HttpContext context, IInventoryStore store)
    {
        if (Validate(query) is { } invalid)
        {
            return invalid;
        }

        string tenant = context.User.GetCaller().Tenant;
        var listing = new AssetListing(tenant, query.Instance, query.Type is null ? null : [query.Type], query.State);
        bool includeDeleted = query.State == AssetState.Deleted || (query.IncludeDeleted ?? false);
        int size = query.Limit ?? DefaultPageSize;
        var items = new List<JsonObject>();
        string? token = query.ContinuationToken;
        try
        {
            // A text or provenance filter is applied here, so reading goes on until the page is full: never an empty page
            // mid-way. Each read asks for no more rows than the page still has room for, so a page never exceeds the limit
            // and the token never skips a row.
            do
            {
                AssetPage page = await store.ListAssetsAsync(listing, size - items.Count, token, context.RequestAborted);
                token = page.ContinuationToken;
                var usage = await store.ReadUsageAsync(tenant, page.Assets.Where(a => !Provenance.IsTraceDerived(a)).Select(a => a.Instance), context.RequestAborted);
                foreach (Asset asset in page.Assets)
                {
                    AssetUsage? used = usage.GetValueOrDefault((asset.Instance, asset.Key));
                    if (AssetsApi.Visible(asset, includeDeleted) && AssetsApi.Matches(asset, query.Q) && (query.Provenance is null || Provenance.Of(asset, used) == query.Provenance))
                    {
                        items.Add(AssetDocument.ToJson(asset, used));
                    }
                }
            }
            while (items.Count < size && token is not null);
        }
        catch (ArgumentException)
        {
            return ApiRequest.Invalid([("continuationToken", "is not a token this service issued.")]);
        }

        return TypedResults.Ok(new InventoryPage(items, items.Count, token));
    }

    private static ValidationProblem? Validate(InventoryQuery query)
    {
        var errors = new List<(string, string)>();
        if (query.Limit is < 1 or > MaxPageSize)
        {
            errors.Add(("limit", $"must be between 1 and {MaxPageSize}."));
        }

        if (query.Provenance is not null && !Provenance.Values.Contains(query.Provenance))
        {
            errors.Add(("provenance", $"must be one of: {string.Join(", ", Provenance.Values)}."));
        }

        if (query.State is not null && !States.Contains(query.State))
        {
            errors.Add(("state", $"must be one of: {string.Join(", ", States)}."));
        }

        if (query.Instance is not null && !Engine.Instances.InstanceIds.IsValid(query.Instance))
        {
            errors.Add(("instance", "is not a valid instance id."));
        }

        if (query.Type is not null && (query.Type.Length is 0 or > 64 || !query.Type.All(c => char.IsAsciiLetterLower(c) || c == '_')))
        {
            errors.Add(("type", "is not an asset type."));
        }

        if (query.Q is { Length: > MaxSearchChars })
        {
            errors.Add(("q", $"must be at most {MaxSearchChars} characters."));
        }

        return errors.Count == 0 ? null : ApiRequest.Invalid(errors);
    }
}

/// <summary>The query of the flat asset listing.</summary>
internal sealed class InventoryQuery
{
    [FromQuery(Name = "type")] public string? Type { get; init; }

    [FromQuery(Name = "instance")] public string? Instance { get; init; }

    [FromQuery(Name = "q")] public string? Q { get; init; }

    [FromQuery(Name = "provenance")] public string? Provenance { get; init; }

    [FromQuery(Name = "state")] public string? State { get; init; }

    [FromQuery(Name = "limit")] public int? Limit { get; init; }

    [FromQuery(Name = "continuationToken")] public string? ContinuationToken { get; init; }

    [FromQuery(Name = "include_deleted")] public bool? IncludeDeleted { get; init; }
}

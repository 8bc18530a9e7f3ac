namespace ServerlessDiscovery.Functions.Api;

/// <summary>GET /api/v1/inventory: the paged flat listing of the tenant's assets, for the dashboard and the CLI.</summary>
internal static class InventoryApi
{
    public static void MapInventoryApi(this RouteGroupBuilder api) =>
        api.MapGet("/inventory", AssetsApi.ListAsync).WithTags("Assets");
}

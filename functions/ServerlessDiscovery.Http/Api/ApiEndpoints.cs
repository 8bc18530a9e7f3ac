using ServerlessDiscovery.Http.Security;

namespace ServerlessDiscovery.Http.Api;

/// <summary>The REST API under /api/v1, behind the API key. Every route acts on the caller's tenant only.</summary>
internal static class ApiEndpoints
{
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder app)
    {
        // What any route may answer before or beside its own work: 400 for a malformed tenant id, 401 without a valid
        // key, 503 with Retry-After while Table Storage is unreachable (or, in worker mode, when no API keys are set).
        RouteGroupBuilder api = app.MapGroup("/api/v1").RequireAuthorization(ApiKeyDefaults.Policy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPluginTypesApi();
        api.MapInstancesApi();
        api.MapAssetsApi();
        api.MapInventoryApi();
        api.MapInventorySummaryApi();
        api.MapDiscoveryStatusApi();
        api.MapToolMappingsApi();
        api.MapResetDiscoveriesApi();
        api.MapBomApi();
        api.MapFindingsApi();
        api.MapWebhooksApi();
        api.MapChangesApi();
        return api;
    }

    /// <summary>The OpenAPI document, behind the same key as the API it describes.</summary>
    public static void MapOpenApiDocument(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi("/api/openapi/{documentName}.json").RequireAuthorization(ApiKeyDefaults.Policy);
}

using ServerlessDiscovery.Functions.Security;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>The REST API under /api/v1, behind the API key check. Every route acts on the caller's tenant only.</summary>
internal static class ApiEndpoints
{
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder api = app.MapGroup("/api/v1");
        api.AddEndpointFilter(async (context, next) =>
        {
            ApiKeyAuthenticator authenticator = context.HttpContext.RequestServices.GetRequiredService<ApiKeyAuthenticator>();
            (Caller? caller, int status, string? error) = authenticator.Authenticate(context.HttpContext.Request);
            if (caller is null)
            {
                return ApiRequest.AuthenticationProblem(context.HttpContext, status, error);
            }

            context.HttpContext.SetCaller(caller);
            return await next(context);
        });

        api.MapPluginTypesApi();
        api.MapInstancesApi();
        api.MapAssetsApi();
        api.MapWebhooksApi();
        return api;
    }

    /// <summary>The OpenAPI document's key check: a middleware, because MapOpenApi's endpoint takes no filters of ours.</summary>
    public static IApplicationBuilder UseOpenApiKeyCheck(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api/openapi"), branch => branch.Use(async (context, next) =>
        {
            (Caller? caller, int status, string? error) = context.RequestServices.GetRequiredService<ApiKeyAuthenticator>().Authenticate(context.Request);
            if (caller is null)
            {
                await ApiRequest.AuthenticationProblem(context, status, error).ExecuteAsync(context);
                return;
            }

            await next(context);
        }));

    /// <summary>The OpenAPI document, behind the same key check as the API it describes (<see cref="UseOpenApiKeyCheck"/>).</summary>
    public static void MapOpenApiDocument(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapOpenApi("/api/openapi/{documentName}.json");
}

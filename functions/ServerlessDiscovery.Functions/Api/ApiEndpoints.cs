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
                if (status == StatusCodes.Status401Unauthorized)
                {
                    context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                }

                return TypedResults.Problem(statusCode: status, title: status switch { 401 => "Unauthorized", 403 => "Forbidden", _ => "Bad request" }, detail: error);
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
}

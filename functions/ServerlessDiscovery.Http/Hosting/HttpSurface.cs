using ServerlessDiscovery.Http.Api;
using ServerlessDiscovery.Http.Health;
using ServerlessDiscovery.Http.Otlp;
using ServerlessDiscovery.Http.Security;
using ServerlessDiscovery.Http.Ui;

namespace ServerlessDiscovery.Http.Hosting;

/// <summary>
/// The app's HTTP surface, defined once for both hosts: the standalone app runs it as its own pipeline, the Functions
/// worker hands each HTTP invocation to it. A host calls <see cref="AddHttpSurface"/> with its services and
/// <see cref="UseServerlessDiscovery"/> to build the pipeline.
/// </summary>
public static class HttpSurface
{
    /// <summary>
    /// The services the pipeline needs: problem details, the dashboard's compression, the storage-outage handler, the
    /// OpenAPI document, the replies' JSON, API-key authentication and the readiness checks.
    /// </summary>
    public static IServiceCollection AddHttpSurface(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiRequest.AddErrorMember);
        services.AddDashboard();
        services.AddExceptionHandler<StorageOutageHandler>();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new() { Title = "ServerlessDiscovery API", Version = "v1", Description = "Inventory of an organisation's AI estate: plugin instances, scans, assets, lineage, webhooks and OTLP ingestion." };
            return Task.CompletedTask;
        }));
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, HostJsonContext.Default));
        services.AddApiKeyAuthentication();
        services.AddReadinessChecks();
        return services;
    }

    /// <summary>
    /// The app's HTTP pipeline, one definition for both modes: problem details for errors and bare status codes, the
    /// routing, the dashboard's files, API-key authentication and authorization, and every endpoint (health, API, OTLP, the OpenAPI document).
    /// </summary>
    public static IApplicationBuilder UseServerlessDiscovery(this IApplicationBuilder app)
    {
        app.UseStatusCodePages();
        app.UseExceptionHandler();
        app.UseDashboard();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseEndpoints(endpoints =>
        {
            endpoints.MapHealthEndpoints();
            endpoints.MapApiV1();
            endpoints.MapOtlp();
            endpoints.MapOpenApiDocument();
        });
        return app;
    }
}

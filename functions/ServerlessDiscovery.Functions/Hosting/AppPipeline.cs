using ServerlessDiscovery.Http.Hosting;

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>
/// Worker mode's bridge from an HTTP function to the app's own pipeline: the same middleware and minimal-API endpoints
/// standalone mode serves (<see cref="HttpSurface.UseServerlessDiscovery"/>), built once into one
/// <see cref="RequestDelegate"/>. An HTTP function returns <see cref="Result"/>; the worker executes it on the request
/// the host forwarded.
/// </summary>
internal sealed class AppPipeline
{
    public AppPipeline(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseServerlessDiscovery();
        Result = new PipelineResult(app.Build());
    }

    /// <summary>Runs the app's pipeline on the current request; stateless, so one instance serves every request.</summary>
    public IResult Result { get; }

    private sealed class PipelineResult(RequestDelegate pipeline) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            // The worker's routing matched the function's endpoint; the app's routing must match its own instead.
            httpContext.SetEndpoint(null);
            httpContext.Request.RouteValues.Clear();
            return pipeline(httpContext);
        }
    }
}

using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>The dashboard's static files at /ui/, anonymous: they hold no data, which the API serves behind the key.</summary>
internal sealed class UiFunction(AppPipeline pipeline)
{
    [Function("Ui")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", "head", Route = "ui/{*path}")] HttpRequest request) =>
        pipeline.Result;
}

using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>The REST API and its OpenAPI document: the app's pipeline decides (API key, routes, problem details).</summary>
internal sealed class ApiFunction(AppPipeline pipeline)
{
    [Function("Api")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "delete", Route = "api/{*path}")] HttpRequest request) =>
        pipeline.Result;
}

using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>Liveness and readiness (/healthz, /readyz), anonymous: the app's pipeline answers.</summary>
internal sealed class HealthFunction(AppPipeline pipeline)
{
    [Function("Health")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{probe:regex(^(healthz|readyz)$)}")] HttpRequest request) =>
        pipeline.Result;
}

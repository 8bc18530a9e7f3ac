using Microsoft.Azure.Functions.Worker;
using ServerlessDiscovery.Functions.Hosting;

namespace ServerlessDiscovery.Functions.Functions;

/// <summary>OTLP/HTTP ingestion (/v1/traces, /v1/logs): the app's pipeline decides.</summary>
internal sealed class OtlpFunction(AppPipeline pipeline)
{
    [Function("Otlp")]
    public IResult Run([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/{signal}")] HttpRequest request) =>
        pipeline.Result;
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Functions.Invocations;
using ServerlessDiscovery.Functions.Webhooks;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// The DiscoveryTick timer function. The host sends {"Data":{"timer":{..., "IsPastDue":false}},"Metadata":{"sys":{"UtcNow":...}}};
/// the standalone timer sends an empty Data. Either way the engine's scheduler runs one tick.
/// </summary>
internal sealed class DiscoveryTickFunction(DiscoveryScheduler scheduler, DeliverySweep deliveries, TimeProvider time) : IFunctionHandler
{
    public const string FunctionName = "DiscoveryTick";

    public string Name => FunctionName;

    public async Task<JsonNode?> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken)
    {
        bool isPastDue = invocation.Data.TryGetValue("timer", out JsonElement timer)
            && timer.ValueKind == JsonValueKind.Object
            && timer.TryGetProperty("IsPastDue", out JsonElement pastDue)
            && pastDue.ValueKind == JsonValueKind.True;
        if (isPastDue)
        {
            invocation.Log("Timer is past due; running the missed tick now.");
        }

        // What is due is decided from this process's clock, not the host's UtcNow, so both modes agree.
        DateTimeOffset now = time.GetUtcNow();
        JsonObject summary = await scheduler.TickAsync(now, cancellationToken);
        summary["deliveries_republished"] = await deliveries.SweepAsync(now, cancellationToken);
        invocation.Log($"Tick: {summary["due"]} due of {summary["instances"]} instances, {summary["events_relayed"]} events relayed.");
        return summary;
    }
}

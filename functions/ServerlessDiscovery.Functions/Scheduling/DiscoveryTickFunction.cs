using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Invocations;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// The DiscoveryTick timer function. The host sends {"Data":{"timer":{..., "IsPastDue":false}},"Metadata":{"sys":{"UtcNow":...}}}.
/// </summary>
internal sealed class DiscoveryTickFunction(IDiscoveryTick tick, TimeProvider time) : IFunctionHandler
{
    public const string FunctionName = "DiscoveryTick";

    public string Name => FunctionName;

    public Task<JsonNode?> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken)
    {
        bool isPastDue = invocation.Data.TryGetValue("timer", out JsonElement timer)
            && timer.ValueKind == JsonValueKind.Object
            && timer.TryGetProperty("IsPastDue", out JsonElement pastDue)
            && pastDue.ValueKind == JsonValueKind.True;
        if (isPastDue)
        {
            invocation.Log("Timer is past due; running the missed tick now.");
        }

        // The engine decides what is due from its own clock, not the host's UtcNow, so both modes agree.
        return tick.RunAsync(time.GetUtcNow(), isPastDue, cancellationToken);
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Invocations;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// The Deliver Event Grid function. Data.event holds the event encoded as a JSON string (twice, per the host);
/// it is unwrapped and handed to the delivery processor. Redeliveries of the same event must be harmless.
/// </summary>
internal sealed class DeliverFunction(IDeliveryProcessor processor) : IFunctionHandler
{
    public const string FunctionName = "Deliver";
    public const string BindingName = "event";

    public string Name => FunctionName;

    public async Task<JsonNode?> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken)
    {
        if (!invocation.Data.TryGetValue(BindingName, out JsonElement deliveryEvent) || deliveryEvent.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"The invocation carries no '{BindingName}' object in Data.");
        }

        string id = deliveryEvent.TryGetProperty("id", out JsonElement idElement) ? idElement.ToString() : "(no id)";
        await processor.DeliverAsync(deliveryEvent, cancellationToken);
        invocation.Log($"Delivered event {id}.");
        return new JsonObject { ["delivered"] = id };
    }
}

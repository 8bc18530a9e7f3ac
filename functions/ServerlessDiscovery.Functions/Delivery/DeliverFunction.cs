using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Functions.Invocations;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// The Deliver queue-trigger function under the Functions host: a thin adapter handing the deliveries-queue message
/// to <see cref="IDeliveryQueueHandler"/>. The host decodes base64 and, for JSON, may pass the message as an object;
/// either way the handler receives its text.
/// </summary>
internal sealed class DeliverFunction(IDeliveryQueueHandler handler) : IFunctionHandler
{
    public const string FunctionName = "Deliver";
    public const string BindingName = "message";

    public string Name => FunctionName;

    public async Task<JsonNode?> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken)
    {
        if (!invocation.Data.TryGetValue(BindingName, out JsonElement message) || message.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            throw new FormatException($"The invocation carries no '{BindingName}' in Data.");
        }

        await handler.HandleAsync(message.ValueKind == JsonValueKind.String ? message.GetString()! : message.GetRawText(), cancellationToken);
        return null;
    }
}

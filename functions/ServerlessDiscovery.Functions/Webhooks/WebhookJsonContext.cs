using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Functions.Webhooks;

[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;

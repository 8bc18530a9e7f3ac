using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Storage.Webhooks;

/// <summary>Source-generated JSON for the webhook row's JSON columns.</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class WebhookRowJsonContext : JsonSerializerContext;

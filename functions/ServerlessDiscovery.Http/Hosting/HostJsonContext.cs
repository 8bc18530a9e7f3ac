using System.Text.Json;
using System.Text.Json.Serialization;
using ServerlessDiscovery.Http.Api;
using ServerlessDiscovery.Http.Health;

namespace ServerlessDiscovery.Http.Hosting;

/// <summary>Source-generated JSON for the host's typed replies (names are set on each property: the HTTP options' naming applies, not this context's).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LivenessReply))]
[JsonSerializable(typeof(ReadinessReply))]
[JsonSerializable(typeof(PluginTypeMap))]
[JsonSerializable(typeof(Dictionary<string, PluginTypeReply>))]
[JsonSerializable(typeof(WebhookList))]
[JsonSerializable(typeof(WebhookSubscribedReply))]
[JsonSerializable(typeof(WebhookUnsubscribedReply))]
[JsonSerializable(typeof(ChangeLogReply))]
[JsonSerializable(typeof(InventorySummary))]
[JsonSerializable(typeof(ScanRunList))]
[JsonSerializable(typeof(ServerlessDiscovery.Engine.Scanning.ScanRunReport))]
internal sealed partial class HostJsonContext : JsonSerializerContext;

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
[JsonSerializable(typeof(WebhookSubscribeRequest))]
[JsonSerializable(typeof(WebhookUnsubscribeRequest))]
[JsonSerializable(typeof(ChangeLogReply))]
[JsonSerializable(typeof(FindingList))]
[JsonSerializable(typeof(InventorySummary))]
[JsonSerializable(typeof(ScanRunList))]
[JsonSerializable(typeof(ServerlessDiscovery.Engine.Scanning.ScanRunReport))]
[JsonSerializable(typeof(InstanceList))]
[JsonSerializable(typeof(InstanceFound))]
[JsonSerializable(typeof(InstanceSaved))]
[JsonSerializable(typeof(InstanceDeleted))]
[JsonSerializable(typeof(InstanceEnabledReply))]
[JsonSerializable(typeof(VerificationReply))]
[JsonSerializable(typeof(RefreshReply))]
[JsonSerializable(typeof(ConfigureReply))]
[JsonSerializable(typeof(StopAllReply))]
[JsonSerializable(typeof(InstanceCreateRequest))]
[JsonSerializable(typeof(InstanceUpdateRequest))]
[JsonSerializable(typeof(RefreshRequest))]
[JsonSerializable(typeof(ConfigureRequest))]
[JsonSerializable(typeof(GroupedAssetsReply))]
[JsonSerializable(typeof(AssetReply))]
[JsonSerializable(typeof(ToolList))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(AgentList))]
[JsonSerializable(typeof(DownstreamList))]
[JsonSerializable(typeof(McpServerList))]
[JsonSerializable(typeof(LineageReply))]
// The /map-tool, /inventory and /export replies.
[JsonSerializable(typeof(ToolMappingSaved))]
[JsonSerializable(typeof(ToolMappingList))]
[JsonSerializable(typeof(ToolMappingDeleted))]
[JsonSerializable(typeof(ToolMappingRequest))]
[JsonSerializable(typeof(InventoryPage))]
[JsonSerializable(typeof(ServerlessDiscovery.Http.Api.OpenCite.OpenCiteExportDocument))]
[JsonSerializable(typeof(ServerlessDiscovery.Http.Api.OpenCite.OpenCiteExportRequest))]
internal sealed partial class HostJsonContext : JsonSerializerContext;

using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /status: OpenCITE's discovery status document (<c>running</c>, <c>plugins_enabled</c>, <c>last_updated</c>,
/// <c>error</c>, <c>current_status</c>, <c>progress</c>: one step per instance), then ours: the tenant and each
/// instance's scan state. <c>last_updated</c> and <c>error</c> are sent as null when there is none, as OpenCITE's are.
/// </summary>
internal sealed record DiscoveryStatusReply(
    [property: JsonPropertyName("running")] bool Running,
    [property: JsonPropertyName("plugins_enabled")] IReadOnlyList<string> PluginsEnabled,
    [property: JsonPropertyName("last_updated"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastUpdated,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Error,
    [property: JsonPropertyName("current_status")] string CurrentStatus,
    [property: JsonPropertyName("progress")] IReadOnlyList<DiscoveryProgressStep> Progress,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("instances")] IReadOnlyList<InstanceStatusReply> Instances,
    [property: JsonPropertyName("count")] int Count);

/// <summary>One of OpenCITE's progress steps: the instance, what its last scan did, and success, error, warning or pending.</summary>
internal sealed record DiscoveryProgressStep(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("status")] string Status);

/// <summary>An instance's scan state in GET /status; the last scan's fields and <c>next_run</c> are null when there is none.</summary>
internal sealed record InstanceStatusReply(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("plugin_type")] string PluginType,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("running")] bool Running,
    [property: JsonPropertyName("last_scan_run_id"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastScanRunId,
    [property: JsonPropertyName("last_scan_status"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastScanStatus,
    [property: JsonPropertyName("last_scan_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastScanAt,
    [property: JsonPropertyName("next_run"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? NextRun);

/// <summary>GET /stats: OpenCITE's <c>{last_modified}</c> (null when the tenant has nothing yet) and whether the rows read were cut off.</summary>
internal sealed record StatsReply(
    [property: JsonPropertyName("last_modified"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastModified,
    [property: JsonPropertyName("partial")] bool Partial);

/// <summary>GET /persistence/status: OpenCITE's <c>{enabled, stats}</c>, then where the state is kept and whether the counts are partial.</summary>
internal sealed record PersistenceStatusReply(
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("stats")] PersistenceCounts Stats,
    [property: JsonPropertyName("storage")] string Storage,
    [property: JsonPropertyName("partial")] bool Partial);

/// <summary>
/// How many assets of each OpenCITE category the store holds (deleted ones not counted), with the active relationships
/// as both OpenCITE's <c>lineage_relationships</c> and <c>lineage</c>; OpenCITE's members first, in its order, then ours.
/// </summary>
internal sealed record PersistenceCounts(
    [property: JsonPropertyName("tools")] int Tools,
    [property: JsonPropertyName("models")] int Models,
    [property: JsonPropertyName("agents")] int Agents,
    [property: JsonPropertyName("downstream_systems")] int DownstreamSystems,
    [property: JsonPropertyName("lineage_relationships")] int LineageRelationships,
    [property: JsonPropertyName("lineage")] int Lineage,
    [property: JsonPropertyName("mcp_servers")] int McpServers,
    [property: JsonPropertyName("mcp_tools")] int McpTools,
    [property: JsonPropertyName("mcp_resources")] int McpResources,
    [property: JsonPropertyName("data_assets")] int DataAssets,
    [property: JsonPropertyName("identities")] int Identities,
    [property: JsonPropertyName("mcp_prompts")] int McpPrompts);

/// <summary>
/// GET /persistence/export: OpenCITE's export, <c>exported_at</c>, then each category as an object keyed by asset id
/// (OpenCITE's item for each, its members depending on the kind; an id that several instances report appears once per
/// instance, the later ones keyed "{id} ({instance})"), lineage as a list, then ours: the tenant and whether the
/// estate was cut at its limit.
/// </summary>
internal sealed record PersistenceExportReply(
    [property: JsonPropertyName("exported_at")] DateTimeOffset ExportedAt,
    [property: JsonPropertyName("tools")] OrderedDictionary<string, JsonObject> Tools,
    [property: JsonPropertyName("models")] OrderedDictionary<string, JsonObject> Models,
    [property: JsonPropertyName("agents")] OrderedDictionary<string, JsonObject> Agents,
    [property: JsonPropertyName("downstream_systems")] OrderedDictionary<string, JsonObject> DownstreamSystems,
    [property: JsonPropertyName("mcp_servers")] OrderedDictionary<string, JsonObject> McpServers,
    [property: JsonPropertyName("mcp_tools")] OrderedDictionary<string, JsonObject> McpTools,
    [property: JsonPropertyName("mcp_resources")] OrderedDictionary<string, JsonObject> McpResources,
    [property: JsonPropertyName("data_assets")] OrderedDictionary<string, JsonObject> DataAssets,
    [property: JsonPropertyName("identities")] OrderedDictionary<string, JsonObject> Identities,
    [property: JsonPropertyName("mcp_prompts")] OrderedDictionary<string, JsonObject> McpPrompts,
    [property: JsonPropertyName("lineage")] IReadOnlyList<JsonObject> Lineage,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>POST /persistence/save and /persistence/load: OpenCITE's <c>{success, message}</c>.</summary>
internal sealed record PersistenceActionReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message);

/// <summary>POST /reset-discoveries: OpenCITE's <c>{success}</c>, then the tenant, what the reset deleted and cleared, and its run id.</summary>
internal sealed record ResetDiscoveriesReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("assets_deleted")] int AssetsDeleted,
    [property: JsonPropertyName("relationships_deleted")] int RelationshipsDeleted,
    [property: JsonPropertyName("usage_cleared")] int UsageCleared,
    [property: JsonPropertyName("reset_id")] string ResetId);

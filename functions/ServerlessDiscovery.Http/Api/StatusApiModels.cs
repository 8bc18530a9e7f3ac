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

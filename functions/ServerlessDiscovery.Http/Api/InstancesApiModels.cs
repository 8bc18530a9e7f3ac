using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// The instance as the API shows it: OpenCITE's fields (<c>status</c> running or stopped, a display name derived from
/// the type when none was given, <c>supported_asset_types</c>, <c>webhooks</c> as URLs) and ours (secrets masked in
/// <c>config</c>, schedule, ownership and scan state). Fields without a value are sent as null, as OpenCITE's are.
/// </summary>
internal sealed record InstanceReply(
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("plugin_type")] string PluginType,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("supports_multiple_instances")] bool SupportsMultipleInstances,
    [property: JsonPropertyName("supported_asset_types")] IReadOnlyList<string> SupportedAssetTypes,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("webhooks")] IReadOnlyList<string> Webhooks,
    [property: JsonPropertyName("schedule")] string Schedule,
    [property: JsonPropertyName("enabled")] bool Enabled,
    [property: JsonPropertyName("auto_start")] bool AutoStart,
    [property: JsonPropertyName("traced")] bool Traced,
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("configuration_owned")] bool ConfigurationOwned,
    [property: JsonPropertyName("host_identity_allowed")] bool HostIdentityAllowed,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updated_at")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("last_scan_run_id"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastScanRunId,
    [property: JsonPropertyName("last_scan_status"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? LastScanStatus,
    [property: JsonPropertyName("last_scan_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastScanAt,
    [property: JsonPropertyName("next_run"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? NextRun);

/// <summary>GET /instances: <c>{instances, count}</c>.</summary>
internal sealed record InstanceList(
    [property: JsonPropertyName("instances")] IReadOnlyList<InstanceReply> Instances,
    [property: JsonPropertyName("count")] int Count);

/// <summary>GET /instances/{id}: OpenCITE's <c>{instance}</c>.</summary>
internal sealed record InstanceFound(
    [property: JsonPropertyName("instance")] InstanceReply Instance);

/// <summary>POST and PUT /instances: OpenCITE's <c>{success, instance}</c>.</summary>
internal sealed record InstanceSaved(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("instance")] InstanceReply Instance);

/// <summary>DELETE /instances/{id}: OpenCITE's <c>{success, message}</c> and the id.</summary>
internal sealed record InstanceDeleted(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("instance_id")] string InstanceId);

/// <summary>POST /instances/{id}/start and /stop: <c>{success, message, instance}</c>; <c>already_running</c> on start only.</summary>
internal sealed record InstanceEnabledReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("instance")] InstanceReply Instance,
    [property: JsonPropertyName("already_running"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? AlreadyRunning = null);

/// <summary>POST /instances/{id}/verify: OpenCITE's <c>{success, verification}</c>, the error beside it too when the check failed.</summary>
internal sealed record VerificationReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("verification")] Verification Verification,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>The connection check's own result.</summary>
internal sealed record Verification(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("plugin_type")] string PluginType,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error = null);

/// <summary>POST /instances/{id}/refresh (202): the scan run started; the scans route follows it.</summary>
internal sealed record RefreshReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("method")] string Method,
    [property: JsonPropertyName("scan_run_id")] string ScanRunId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("forced")] bool Forced);

/// <summary>OpenCITE's POST /plugins/configure reply.</summary>
internal sealed record ConfigureReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("plugins_enabled")] IReadOnlyList<string> PluginsEnabled,
    [property: JsonPropertyName("skipped_configuration_owned")] IReadOnlyList<string> SkippedConfigurationOwned,
    [property: JsonPropertyName("instances")] IReadOnlyList<InstanceReply> Instances);

/// <summary>OpenCITE's POST /stop reply.</summary>
internal sealed record StopAllReply(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("stopped")] IReadOnlyList<string> Stopped,
    [property: JsonPropertyName("skipped_configuration_owned")] IReadOnlyList<string> SkippedConfigurationOwned);

/// <summary>
/// POST /instances: ours or OpenCITE's body. Described for the OpenAPI document; the handler reads the body itself so
/// that every field's problem is reported at once, by name (<see cref="ApiRequest"/>).
/// </summary>
internal sealed record InstanceCreateRequest
{
    [JsonPropertyName("plugin_type")] public required string PluginType { get; init; }

    [JsonPropertyName("instance_id")] public string? InstanceId { get; init; }

    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }

    [JsonPropertyName("config")] public JsonObject? Config { get; init; }

    [JsonPropertyName("schedule")] public string? Schedule { get; init; }

    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }

    [JsonPropertyName("auto_start")] public bool? AutoStart { get; init; }

    [JsonPropertyName("traced")] public bool? Traced { get; init; }
}

/// <summary>PUT /instances/{id}: fields not given keep their values; <c>config</c> is merged into the stored one. Described as <see cref="InstanceCreateRequest"/> is.</summary>
internal sealed record InstanceUpdateRequest
{
    [JsonPropertyName("display_name")] public string? DisplayName { get; init; }

    [JsonPropertyName("config")] public JsonObject? Config { get; init; }

    [JsonPropertyName("schedule")] public string? Schedule { get; init; }

    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }

    [JsonPropertyName("auto_start")] public bool? AutoStart { get; init; }

    [JsonPropertyName("traced")] public bool? Traced { get; init; }
}

/// <summary>POST /instances/{id}/refresh: an optional body; <c>force</c> overrides the deletion guard for this scan (also <c>?force=true</c>).</summary>
internal sealed record RefreshRequest
{
    [JsonPropertyName("force")] public bool? Force { get; init; }
}

/// <summary>OpenCITE's POST /plugins/configure: <c>{plugins: [{name, config}]}</c>.</summary>
internal sealed record ConfigureRequest
{
    [JsonPropertyName("plugins")] public required IReadOnlyList<ConfigureEntry> Plugins { get; init; }
}

/// <summary>One plugin to configure: its type id, which also names the instance, and its configuration.</summary>
internal sealed record ConfigureEntry
{
    [JsonPropertyName("name")] public required string Name { get; init; }

    [JsonPropertyName("config")] public JsonObject? Config { get; init; }
}

using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Domain.Instances;

/// <summary>Who owns an instance: the API (editable) or app settings Plugins__{id}__* (read-only over the API).</summary>
public enum InstanceOwner
{
    Api,
    Configuration,
}

/// <summary>
/// Who last set an API-owned instance's configuration, which decides whether it may use the host's own identity
/// (PluginContext.MayUseHostIdentity). Rows written before this was recorded read as <see cref="TenantKey"/>.
/// </summary>
public enum InstanceConfiguredBy
{
    /// <summary>A key bound to one tenant: the instance never uses the host's identity.</summary>
    TenantKey,

    /// <summary>An admin key (not bound to a tenant), or no key on a loopback-only host: the operator.</summary>
    Operator,
}

/// <summary>
/// A configured plugin instance as stored. <see cref="Config"/> holds secrets in clear and lives only in memory;
/// at rest secret fields are encrypted, and over the API they are masked.
/// </summary>
public sealed record PluginInstance
{
    public const string DefaultSchedule = "0 0 * * * *";

    public required string Tenant { get; init; }

    public required string Id { get; init; }

    public required string PluginType { get; init; }

    public string? DisplayName { get; init; }

    /// <summary>6-field NCRONTAB (UTC) on which the instance is scanned.</summary>
    public string Schedule { get; init; } = DefaultSchedule;

    public bool Enabled { get; init; } = true;

    /// <summary>The tenant states this source's traffic is traced: its declared assets with no observed use become <c>unused</c> findings.</summary>
    public bool Traced { get; init; }

    public InstanceOwner Owner { get; init; } = InstanceOwner.Api;

    /// <summary>Who created it or last changed its configuration over the API (configuration-owned instances are the operator's).</summary>
    public InstanceConfiguredBy ConfiguredBy { get; init; } = InstanceConfiguredBy.TenantKey;

    /// <summary>Whether scans and verifies of this instance may fall back to the host's own identity.</summary>
    public bool MayUseHostIdentity => Owner == InstanceOwner.Configuration || ConfiguredBy == InstanceConfiguredBy.Operator;

    public JsonObject Config { get; init; } = [];

    /// <summary>
    /// The stored secrets could not be decrypted (Secrets__EncryptionKey changed): the instance is listed without them,
    /// and validating it names the problem instead of failing every read of the tenant's instances.
    /// </summary>
    public bool SecretsUnreadable { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The host holding the scan lease, while a scan runs.</summary>
    public string? LeaseOwner { get; init; }

    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>The schedule occurrence last claimed; the next one after it is when the instance is due again.</summary>
    public DateTimeOffset? LastScheduledAt { get; init; }

    public string? LastRunId { get; init; }

    public string? LastRunStatus { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    public string? ETag { get; init; }
}

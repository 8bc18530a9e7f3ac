using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Domain.Inventory;

/// <summary>An asset's identity within one instance's inventory: its type and the stable id its source gave it.</summary>
public readonly record struct AssetKey(string Type, string Id);

/// <summary>
/// One asset as the inventory holds it for one instance: what its source reported (name, scope, attributes and their
/// content hash), its lifecycle (state, version, first/last seen, tombstone reason) and, for a trace-derived asset,
/// the usage traces counted on it. A declared asset's observed usage lives apart, in its <see cref="AssetUsage"/>.
/// </summary>
public sealed record Asset
{
    public required string Tenant { get; init; }

    public required string Instance { get; init; }

    public required string Type { get; init; }

    public required string Id { get; init; }

    public string? Name { get; init; }

    public string? Scope { get; init; }

    /// <summary>active, stale or deleted.</summary>
    public string? State { get; init; }

    /// <summary>Why the asset became deleted or stale (the tombstone's reason).</summary>
    public string? Reason { get; init; }

    /// <summary>SHA-256 of the canonical content: equal hashes mean nothing to write.</summary>
    public string? Hash { get; init; }

    /// <summary>Bumped only when content or state changes.</summary>
    public long Version { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    public DateTimeOffset? LastChanged { get; init; }

    public DateTimeOffset? StateChangedAt { get; init; }

    /// <summary>The scan run (or trace flush) that last changed the asset.</summary>
    public string? LastRunId { get; init; }

    public JsonObject Attributes { get; init; } = [];

    /// <summary>Usage counted on a trace-derived asset (null on a declared one, whose usage is its <see cref="AssetUsage"/>).</summary>
    public UsageTotals? Usage { get; init; }

    /// <summary>Ids of the latest OTLP journal drains applied to the asset (space-separated), so a re-applied drain is recognised.</summary>
    public string? Drains { get; init; }

    /// <summary>The store's concurrency token of the version read (null for an asset not read from the store).</summary>
    public string? ETag { get; init; }

    public AssetKey Key => new(Type, Id);
}

/// <summary>
/// Usage traces counted for an asset: counters that add up, the invocation window that only widens, and callers
/// ("service:{name}" / "agent:{name}") that only accumulate, bounded by whoever merges them.
/// </summary>
public sealed record UsageTotals(long Invocations, long InputTokens, long OutputTokens, DateTimeOffset? FirstInvoked, DateTimeOffset? LastInvoked, IReadOnlyList<string> Callers)
{
    public static UsageTotals None { get; } = new(0, 0, 0, null, null, []);
}

/// <summary>
/// What traces observed of a declared asset, kept beside it (never in its content hash, so counting never makes a scan
/// rewrite the asset): the totals, the trace-derived identities ("{type}/{id}") that resolved to it and the last rule that matched.
/// </summary>
public sealed record AssetUsage
{
    public required string Tenant { get; init; }

    /// <summary>The instance that declared the asset.</summary>
    public required string Instance { get; init; }

    public required string Type { get; init; }

    public required string Id { get; init; }

    public UsageTotals Totals { get; init; } = UsageTotals.None;

    public IReadOnlyList<string> Via { get; init; } = [];

    public string? Rule { get; init; }

    /// <summary>Ids of the latest OTLP journal drains applied (space-separated).</summary>
    public string? Drains { get; init; }

    /// <summary>The store's concurrency token of the version read (null for a usage not read from the store).</summary>
    public string? ETag { get; init; }

    public AssetKey Key => new(Type, Id);
}

/// <summary>A lineage relationship between two assets, as one instance reported it.</summary>
public sealed record Edge
{
    public required string Tenant { get; init; }

    public required string Instance { get; init; }

    public required string SourceType { get; init; }

    public required string SourceId { get; init; }

    public required string Relationship { get; init; }

    public required string TargetType { get; init; }

    public required string TargetId { get; init; }

    public string? Scope { get; init; }

    /// <summary>active or deleted.</summary>
    public string? State { get; init; }

    public DateTimeOffset? FirstSeen { get; init; }

    public DateTimeOffset? StateChangedAt { get; init; }

    /// <summary>When the store last wrote the edge (null for an edge not read from the store).</summary>
    public DateTimeOffset? Written { get; init; }

    public EdgeKey Key => new(SourceType, SourceId, Relationship, TargetType, TargetId);
}

/// <summary>An edge's identity within one instance's lineage.</summary>
public readonly record struct EdgeKey(string SourceType, string SourceId, string Relationship, string TargetType, string TargetId);

using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Domain.Findings;

/// <summary>Finding kinds and states.</summary>
public static class FindingKinds
{
    /// <summary>Observed in traces, resolved to no declared asset.</summary>
    public const string Shadow = "shadow";

    /// <summary>Declared on a traced instance, with no observed use for Discovery__UnusedAfter.</summary>
    public const string Unused = "unused";

    public const string Open = "open";
    public const string Resolved = "resolved";

    public static IReadOnlyList<string> All { get; } = [Shadow, Unused];

    public static IReadOnlyList<string> States { get; } = [Open, Resolved];
}

/// <summary>
/// A finding the current evidence supports: what it is about (<paramref name="SubjectType"/>/<paramref name="SubjectId"/>),
/// the instance whose outbox carries its events, why, and the evidence (services, hosts, first/last seen, counts).
/// </summary>
public sealed record Finding(string Kind, string SubjectType, string SubjectId, string Instance, string Reason, JsonObject Evidence)
{
    /// <summary>The finding's identity: one per kind and subject (and instance, for unused declared assets).</summary>
    public string Key => Kind == FindingKinds.Shadow ? $"{Kind}/{SubjectType}/{SubjectId}" : $"{Kind}/{Instance}/{SubjectType}/{SubjectId}";
}

/// <summary>
/// A finding as the store keeps it: what the evidence supported when it was last opened or updated, its state
/// (<see cref="FindingKinds.Open"/> or <see cref="FindingKinds.Resolved"/>), and when it opened, last changed and resolved.
/// </summary>
public sealed record TrackedFinding(Finding Finding, string State, DateTimeOffset? OpenedAt, DateTimeOffset? UpdatedAt, DateTimeOffset? ResolvedAt)
{
    /// <summary>The finding's identity (<see cref="Finding.Key"/>), which the API shows as its id.</summary>
    public string Key => Finding.Key;
}

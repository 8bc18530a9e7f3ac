namespace ServerlessDiscovery.Domain.Observations;

/// <summary>
/// Records what could not be written (an asset the store refused, a journal entry that cannot be read or keeps failing),
/// so it is set aside, visible and never holds back anything else. Long texts are truncated, never refused.
/// </summary>
public interface IQuarantine
{
    /// <summary>Sets aside one item of <paramref name="tenant"/>: what kind (asset, journal row), which one, and why.</summary>
    Task AddAsync(string tenant, string kind, string subject, string reason, CancellationToken cancellationToken = default);

    /// <summary>The quarantined items of a tenant, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<QuarantineRecord>> ListAsync(string tenant, int max = 1000, CancellationToken cancellationToken = default);
}

/// <summary>One quarantined item: what kind (asset, journal row), which one, why, and when.</summary>
public sealed record QuarantineRecord(string Kind, string Subject, string Reason, DateTimeOffset At);

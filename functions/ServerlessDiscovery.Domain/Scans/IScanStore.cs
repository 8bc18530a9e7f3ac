namespace ServerlessDiscovery.Domain.Scans;

/// <summary>Scan run records, per instance, newest first.</summary>
public interface IScanStore
{
    /// <summary>Writes the whole record (a new run, or its final state).</summary>
    Task SaveAsync(ScanRun run, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a running scan's progress on its record, leaving the rest as it is. False when the record is gone; a
    /// storage failure throws, and the caller decides whether the scan cares.
    /// </summary>
    Task<bool> SaveProgressAsync(ScanRun run, ScanRunProgress progress, CancellationToken cancellationToken = default);

    /// <summary>The instance's most recent runs, newest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ScanRun>> ListAsync(string tenant, string instanceId, int limit, CancellationToken cancellationToken = default);

    /// <summary>One run of the instance, or null.</summary>
    Task<ScanRun?> GetAsync(string tenant, string instanceId, string runId, CancellationToken cancellationToken = default);
}

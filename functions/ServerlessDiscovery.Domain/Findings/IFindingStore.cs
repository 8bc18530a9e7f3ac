namespace ServerlessDiscovery.Domain.Findings;

/// <summary>
/// A tenant's findings and, beside them, its <see cref="FindingsWatermark"/>. One finding per
/// <see cref="Finding.Key"/>: writing a finding replaces the one stored under its key.
/// </summary>
public interface IFindingStore
{
    /// <summary>
    /// The tenant's findings, optionally of one kind and in one state: the most recently updated first, findings updated
    /// at the same time in the store's order of their keys.
    /// </summary>
    Task<IReadOnlyList<TrackedFinding>> ListAsync(string tenant, string? kind = null, string? state = null, CancellationToken cancellationToken = default);

    /// <summary>Stores these findings of the tenant (each replacing the one with its key), in as few batches as the store allows.</summary>
    Task UpsertAsync(string tenant, IReadOnlyList<TrackedFinding> findings, CancellationToken cancellationToken = default);

    /// <summary>The tenant's watermark; null when its findings were never evaluated.</summary>
    Task<FindingsWatermark?> GetWatermarkAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records an evaluation (every field but <see cref="FindingsWatermark.ObservedAt"/>, which is kept, so a drain's
    /// <see cref="MarkObservedAsync"/> meanwhile is not lost; a null <see cref="FindingsWatermark.TraceEvaluatedAt"/> keeps the stored one).
    /// </summary>
    Task SetEvaluatedAsync(string tenant, FindingsWatermark mark, CancellationToken cancellationToken = default);

    /// <summary>
    /// Notes that traces changed the tenant's inventory (call it once the observations are written), so its findings are
    /// evaluated again soon. One write that touches nothing else of the watermark.
    /// </summary>
    Task MarkObservedAsync(string tenant, DateTimeOffset at, CancellationToken cancellationToken = default);
}

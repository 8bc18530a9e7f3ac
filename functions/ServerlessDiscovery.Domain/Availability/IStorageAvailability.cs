namespace ServerlessDiscovery.Domain.Availability;

/// <summary>
/// Whether the storage behind the ports is there: what counts as an outage (the service unreachable, timing out,
/// throttling or failing on its side, answered 503 with Retry-After so clients retry) rather than a request it refused
/// on its merits, and a readiness probe. The storage layer decides, since only it knows its SDK's failures.
/// </summary>
public interface IStorageAvailability
{
    /// <summary>
    /// Whether <paramref name="exception"/> (from a port's call) means storage is unavailable. A cancellation counts as
    /// one (a deadline of ours ran out) unless <paramref name="requestAborted"/> asked for it.
    /// </summary>
    bool IsOutage(Exception exception, CancellationToken requestAborted = default);

    /// <summary>Null when storage answers; otherwise what is wrong, in words safe to show (no secret, no connection string).</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken = default);
}

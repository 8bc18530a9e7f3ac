namespace ServerlessDiscovery.Domain.Bom;

/// <summary>One revision of a scope's BOM: its version and when its content was first exported.</summary>
public sealed record BomRevision(long Version, DateTimeOffset Since);

/// <summary>
/// The version of each tenant+scope's BOM: the same content hash keeps the version and its timestamp, a new hash takes
/// the next version, and concurrent exports agree on one number.
/// </summary>
public interface IBomVersionStore
{
    /// <summary>Records that the BOM of <paramref name="scopeKey"/> has content <paramref name="hash"/>, and returns its revision.</summary>
    Task<BomRevision> RecordAsync(string tenant, string scopeKey, string hash, DateTimeOffset now, CancellationToken cancellationToken = default);
}

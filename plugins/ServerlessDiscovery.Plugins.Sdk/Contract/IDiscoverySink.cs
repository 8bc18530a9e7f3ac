namespace ServerlessDiscovery.Plugins;

/// <summary>
/// Where a scan's findings go. A scope is the unit of completeness a plugin can vouch for, such as
/// "aws:123456789012:us-east-1:sagemaker". Assets missing from a completed scope are deleted (tombstoned);
/// assets of a failed scope are kept and marked stale; scopes reported neither way are left as they were.
/// Thread-safe: a plugin may report from several concurrent tasks.
/// </summary>
public interface IDiscoverySink
{
    ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default);

    ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default);

    /// <summary>Every asset of <paramref name="scope"/> was reported: what was not reported no longer exists.</summary>
    void ScopeCompleted(string scope);

    /// <summary><paramref name="scope"/> could not be fully read; <paramref name="error"/> says why (no secrets).</summary>
    void ScopeFailed(string scope, string error);
}

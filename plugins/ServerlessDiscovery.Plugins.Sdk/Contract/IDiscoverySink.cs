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

    /// <summary>
    /// One item of <paramref name="scope"/> could not be read (<paramref name="warning"/> names it, no secrets) while the
    /// rest of the scope was reported. The scope is incomplete: a plugin reporting this does not also complete it, so
    /// nothing is tombstoned and nothing is marked stale. May be called once per failed item. A host that does not
    /// record warnings leaves the scope as it was.
    /// </summary>
    void ScopeIncomplete(string scope, string warning)
    {
    }

    /// <summary>
    /// <paramref name="scope"/> is not offered by this source (a feature switched off, no database, an API absent in a
    /// region); <paramref name="reason"/> says which. Neither a failure nor a completion: its assets are kept as they
    /// are, never marked stale. A host that does not record it leaves the scope as it was.
    /// </summary>
    void ScopeUnavailable(string scope, string reason)
    {
    }
}

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
    /// One item of <paramref name="scope"/> (an endpoint, an agent) could not be read while its siblings were reported:
    /// the scope is incomplete, so nothing it no longer holds is tombstoned and nothing is marked stale.
    /// <paramref name="warning"/> names the item and why (no secrets). Called once per failed item, instead of
    /// <see cref="ScopeCompleted"/>. A host that predates it leaves the scope as it was.
    /// </summary>
    void ScopeIncomplete(string scope, string warning)
    {
    }

    /// <summary>
    /// The source does not offer what <paramref name="scope"/> reads (a feature not enabled, an API not offered in the
    /// region, no database): not a failure, so its assets are neither tombstoned nor marked stale.
    /// <paramref name="reason"/> says what is missing. A host that predates it leaves the scope as it was.
    /// </summary>
    void ScopeUnavailable(string scope, string reason)
    {
    }

    /// <summary>
    /// The scan will report about <paramref name="count"/> scopes in all (completed, failed, incomplete or
    /// unavailable): the total of its progress while it runs. Optional; call it again when the plugin learns more
    /// (regions listed, workspaces enumerated). A host that predates it shows no total.
    /// </summary>
    void ScopesPlanned(int count)
    {
    }
}

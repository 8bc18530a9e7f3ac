namespace ServerlessDiscovery.Plugins.LiteLlm.Discovery;

/// <summary>
/// Holds back the warnings of one scope run until it ends: a scope that read every item completes, one with an
/// unreadable item (an MCP server whose tools could not be listed) is reported incomplete instead, and one that
/// fails is only failed. Lets the families report per-item warnings while <c>RunScopeAsync</c> decides the outcome.
/// </summary>
internal sealed class IncompleteScopeSink(IDiscoverySink inner) : IDiscoverySink
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(string Scope, string Warning)> _warnings = new();

    public ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default) => inner.AddAssetAsync(asset, cancellationToken);

    public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default) => inner.AddEdgeAsync(edge, cancellationToken);

    public void ScopeIncomplete(string scope, string warning) => _warnings.Enqueue((scope, warning));

    public void ScopeCompleted(string scope)
    {
        string[] warnings = [.. _warnings.Where(w => w.Scope == scope).Select(w => w.Warning)];
        if (warnings.Length == 0)
        {
            inner.ScopeCompleted(scope);
            return;
        }

        foreach (string warning in warnings)
        {
            inner.ScopeIncomplete(scope, warning);
        }
    }

    public void ScopeFailed(string scope, string error) => inner.ScopeFailed(scope, error);

    public void ScopeUnavailable(string scope, string reason) => inner.ScopeUnavailable(scope, reason);
}

using System.Collections.Concurrent;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// Wraps a sink and records the scope outcomes that are neither completion nor failure: items that could not be read
/// (<see cref="IDiscoverySink.ScopeIncomplete"/>) and scopes the source does not offer (<see cref="IDiscoverySink.ScopeUnavailable"/>).
/// Everything is forwarded to the inner sink.
/// </summary>
public sealed class ScopeOutcomeSink(IDiscoverySink inner) : IDiscoverySink
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _warnings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    /// <summary>Scope to the warnings it was reported incomplete with.</summary>
    public IReadOnlyDictionary<string, string[]> Incomplete => _warnings.ToDictionary(w => w.Key, w => w.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Scope to the reason it is not available on this source.</summary>
    public IReadOnlyDictionary<string, string> Unavailable => _unavailable;

    public ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default) => inner.AddAssetAsync(asset, cancellationToken);

    public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default) => inner.AddEdgeAsync(edge, cancellationToken);

    public void ScopeCompleted(string scope) => inner.ScopeCompleted(scope);

    public void ScopeFailed(string scope, string error) => inner.ScopeFailed(scope, error);

    public void ScopeIncomplete(string scope, string warning)
    {
        _warnings.GetOrAdd(scope, _ => new ConcurrentQueue<string>()).Enqueue(warning);
        inner.ScopeIncomplete(scope, warning);
    }

    public void ScopeUnavailable(string scope, string reason)
    {
        _unavailable[scope] = reason;
        inner.ScopeUnavailable(scope, reason);
    }
}

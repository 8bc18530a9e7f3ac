using System.Collections.Concurrent;

namespace ServerlessDiscovery.Plugins.Conformance;

/// <summary>A sink that keeps everything a plugin reports, for assertions.</summary>
public sealed class RecordingSink : IDiscoverySink
{
    private readonly ConcurrentQueue<DiscoveredAsset> _assets = new();
    private readonly ConcurrentQueue<DiscoveredEdge> _edges = new();
    private readonly ConcurrentDictionary<string, string?> _scopes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Scope, string Warning)> _warnings = new();
    private readonly ConcurrentDictionary<string, string> _unavailable = new(StringComparer.Ordinal);

    public IReadOnlyList<DiscoveredAsset> Assets => [.. _assets];

    public IReadOnlyList<DiscoveredEdge> Edges => [.. _edges];

    /// <summary>Scope to null (completed) or the error it failed with.</summary>
    public IReadOnlyDictionary<string, string?> Scopes => _scopes;

    public IEnumerable<string> CompletedScopes => _scopes.Where(s => s.Value is null).Select(s => s.Key);

    public IEnumerable<KeyValuePair<string, string?>> FailedScopes => _scopes.Where(s => s.Value is not null);

    /// <summary>Per-item warnings of incomplete scopes, in the order reported.</summary>
    public IReadOnlyList<(string Scope, string Warning)> Warnings => [.. _warnings];

    /// <summary>Scopes the source does not offer, with the reason.</summary>
    public IReadOnlyDictionary<string, string> UnavailableScopes => _unavailable;

    public ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default)
    {
        _assets.Enqueue(asset);
        return ValueTask.CompletedTask;
    }

    public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default)
    {
        _edges.Enqueue(edge);
        return ValueTask.CompletedTask;
    }

    public void ScopeCompleted(string scope) => _scopes[scope] = null;

    public void ScopeFailed(string scope, string error) => _scopes[scope] = error;

    public void ScopeIncomplete(string scope, string warning) => _warnings.Enqueue((scope, warning));

    public void ScopeUnavailable(string scope, string reason) => _unavailable[scope] = reason;

    public DiscoveredAsset Single(string type, string id) => Assets.Single(a => a.Type == type && a.Id == id);
}

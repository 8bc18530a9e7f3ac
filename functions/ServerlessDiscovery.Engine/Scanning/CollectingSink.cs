using System.Collections.Concurrent;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Redaction;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>
/// Gathers one scan's findings: the boundary where a plugin's output enters the engine. Bad findings (empty ids,
/// unknown scope names) are dropped and counted, never thrown back into the plugin; past the per-scan limit the scan
/// is marked overflowed. Every scope error and note passes <paramref name="redactor"/> here, so no plugin can carry
/// a secret its provider echoed into the scan record, the inventory or an event.
/// </summary>
internal sealed class CollectingSink(int maxAssets, SecretRedactor redactor) : IDiscoverySink
{
    private readonly ConcurrentDictionary<(string Type, string Id), DiscoveredAsset> _assets = new();
    private readonly ConcurrentDictionary<string, DiscoveredEdge> _edges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string?> _scopes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _rejected = new();
    private readonly Dictionary<string, ScopeNote> _notes = new(StringComparer.Ordinal);

    public IReadOnlyCollection<DiscoveredAsset> Assets => (IReadOnlyCollection<DiscoveredAsset>)_assets.Values;

    /// <summary>Distinct assets so far, without copying them.</summary>
    public int AssetCount => _assets.Count;

    public IReadOnlyCollection<DiscoveredEdge> Edges => (IReadOnlyCollection<DiscoveredEdge>)_edges.Values;

    /// <summary>Scope to null (fully observed) or its error. A scope that failed anywhere stays failed.</summary>
    public IReadOnlyDictionary<string, string?> Scopes => _scopes;

    public IReadOnlyCollection<string> Rejected => _rejected;

    /// <summary>Scopes reported incomplete (with their warnings) or unavailable (with the reason); bounded.</summary>
    public IReadOnlyDictionary<string, ScopeNote> Notes
    {
        get
        {
            lock (_notes)
            {
                return new Dictionary<string, ScopeNote>(_notes, StringComparer.Ordinal);
            }
        }
    }

    public bool Overflowed { get; private set; }

    /// <summary>The plugin's own count of the scopes it will report, when it gave one.</summary>
    public int? PlannedScopes { get; private set; }

    /// <summary>Distinct scopes reported so far, whatever their outcome.</summary>
    public int ReportedScopes
    {
        get
        {
            lock (_notes)
            {
                return _scopes.Count + _notes.Keys.Count(scope => !_scopes.ContainsKey(scope));
            }
        }
    }

    public ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? problem = asset switch
        {
            null => "null asset",
            { Type.Length: 0 or > 64 } => "asset type must be 1-64 characters",
            { Id.Length: 0 or > 4096 } => $"{asset.Type} id must be 1-4096 characters",
            { Name.Length: > 1024 } => $"{asset.Type} {asset.Id}: name longer than 1024 characters",
            { Scope.Length: 0 or > 512 } => $"{asset.Type} {asset.Id}: scope must be 1-512 characters",
            _ => null,
        };
        if (problem is not null)
        {
            _rejected.Enqueue(problem);
            return ValueTask.CompletedTask;
        }

        if (_assets.Count >= maxAssets && !_assets.ContainsKey((asset!.Type, asset.Id)))
        {
            Overflowed = true;
            return ValueTask.CompletedTask;
        }

        _assets[(asset!.Type, asset.Id)] = asset;
        return ValueTask.CompletedTask;
    }

    public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (edge is null || edge.SourceId.Length == 0 || edge.TargetId.Length == 0 || edge.Relationship.Length == 0 || edge.Scope.Length == 0)
        {
            _rejected.Enqueue("edge with an empty part");
            return ValueTask.CompletedTask;
        }

        if (_edges.Count >= maxAssets * 4)
        {
            Overflowed = true;
            return ValueTask.CompletedTask;
        }

        _edges[EdgeKey(edge)] = edge;
        return ValueTask.CompletedTask;
    }

    public void ScopeCompleted(string scope)
    {
        if (!string.IsNullOrEmpty(scope))
        {
            _scopes.TryAdd(scope, null);
        }
    }

    public void ScopeFailed(string scope, string error)
    {
        if (!string.IsNullOrEmpty(scope))
        {
            _scopes[scope] = string.IsNullOrWhiteSpace(error) ? "failed" : redactor.Redact(error);
        }
    }

    public void ScopesPlanned(int count)
    {
        if (count is > 0 and <= ScopeNote.MaxScopes * 100)
        {
            PlannedScopes = count;
        }
    }

    public void ScopeIncomplete(string scope, string warning) => Note(scope, ScopeNote.Incomplete, warning);

    public void ScopeUnavailable(string scope, string reason) => Note(scope, ScopeNote.Unavailable, reason);

    /// <summary>
    /// Scope outcomes, fully observed or failed, as the inventory writer takes them. A scope with an incomplete note is
    /// never passed as fully observed (a plugin that also completed it would otherwise tombstone what it could not read).
    /// </summary>
    public IReadOnlyDictionary<string, string?> ObservedScopes()
    {
        IReadOnlyDictionary<string, ScopeNote> notes = Notes;
        return _scopes
            .Where(s => s.Value is not null || !notes.TryGetValue(s.Key, out ScopeNote? note) || note.Outcome != ScopeNote.Incomplete)
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
    }

    private void Note(string scope, string outcome, string message)
    {
        if (string.IsNullOrEmpty(scope) || scope.Length > 512)
        {
            _rejected.Enqueue("scope note without a valid scope name");
            return;
        }

        // Redacted before it is cut, so a cut cannot hide a secret's form from the redaction.
        string text = string.IsNullOrWhiteSpace(message) ? outcome : redactor.Redact(message);
        text = text.Length > ScopeNote.MaxMessageLength ? text[..ScopeNote.MaxMessageLength] + "…" : text;
        lock (_notes)
        {
            if (!_notes.TryGetValue(scope, out ScopeNote? note))
            {
                if (_notes.Count >= ScopeNote.MaxScopes)
                {
                    return;
                }

                note = new ScopeNote(outcome);
                _notes[scope] = note;
            }

            // Incomplete wins over unavailable: something of the scope was read, and something was not.
            if (outcome == ScopeNote.Incomplete && note.Outcome == ScopeNote.Unavailable)
            {
                note = new ScopeNote(outcome);
                _notes[scope] = note;
            }

            if (note.Outcome == outcome)
            {
                note.Add(text);
            }
        }
    }

    internal static string EdgeKey(DiscoveredEdge e) =>
        string.Join('\u001f', e.SourceType, e.SourceId, e.Relationship, e.TargetType, e.TargetId);
}

using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Redaction;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>Hears a one-shot scan as it goes (the `sd scan` progress display). Messages are already scrubbed of secrets.</summary>
public interface IScanObserver
{
    /// <summary>The plugin reported one more asset.</summary>
    void AssetFound(string type);

    /// <summary>The plugin reported a scope: completed, failed, incomplete or unavailable, with its error, warning or reason.</summary>
    void ScopeReported(string scope, string outcome, string? message);
}

/// <summary>What a one-shot scan found, before anything is compared or stored.</summary>
public sealed record DetachedScanResult
{
    /// <summary>Set when the plugin failed or overran; then nothing else is evidence and nothing may be deleted.</summary>
    public string? Error { get; init; }

    public IReadOnlyCollection<DiscoveredAsset> Assets { get; init; } = [];

    public IReadOnlyCollection<DiscoveredEdge> Edges { get; init; } = [];

    /// <summary>Scope to null (fully observed) or its error, as the inventory takes them (incomplete scopes are not fully observed).</summary>
    public IReadOnlyDictionary<string, string?> Scopes { get; init; } = new Dictionary<string, string?>();

    /// <summary>Scopes reported incomplete or unavailable, scrubbed.</summary>
    public IReadOnlyDictionary<string, ScopeNote> Notes { get; init; } = new Dictionary<string, ScopeNote>();

    public int Rejected { get; init; }
}

/// <summary>
/// Runs one plugin instance once, with no store: the service's own plugin start (<see cref="PluginScan"/>), sink
/// rules (<see cref="CollectingSink"/>) and secret scrubbing, for `sd scan`. Comparing the result with an earlier one
/// is <see cref="Inventory.SnapshotInventory"/>'s job.
/// </summary>
public sealed class DetachedScan(IHttpClientFactory httpClientFactory, TimeProvider time, ILoggerFactory loggerFactory)
{
    public async Task<DetachedScanResult> RunAsync(
        IPluginType type, PluginConfiguration configuration, string tenant, string instanceId, DiscoveryOptions options, IScanObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var redactor = SecretRedactor.For(configuration);
        var collected = new CollectingSink(options.MaxAssetsPerScan, redactor);
        IDiscoverySink sink = observer is null ? collected : new ObservedSink(collected, observer, redactor);

        // Whoever runs a one-shot scan on their own machine is its operator: their own credential chain may be used.
        var context = new PluginContext(tenant, instanceId, httpClientFactory, time, new RedactingLoggerFactory(loggerFactory, redactor), mayUseHostIdentity: true);
        string? failure = await PluginScan.RunAsync(type, configuration, context, sink, options.ScanTimeout, "--timeout", cancellationToken);
        if (failure is null && collected.Overflowed)
        {
            failure = $"The plugin reported more than {options.MaxAssetsPerScan} assets; nothing was kept.";
        }

        if (failure is not null)
        {
            return new DetachedScanResult { Error = redactor.Redact(failure) };
        }

        IReadOnlyDictionary<string, string?> observed = collected.ObservedScopes();
        return new DetachedScanResult
        {
            Assets = collected.Assets,
            Edges = collected.Edges,
            Scopes = new Dictionary<string, string?>(observed, StringComparer.Ordinal),
            Notes = collected.Notes,
            Rejected = collected.Rejected.Count,
        };
    }

    /// <summary>Passes every finding on to the collecting sink and tells the observer, scrubbed.</summary>
    private sealed class ObservedSink(CollectingSink inner, IScanObserver observer, SecretRedactor redactor) : IDiscoverySink
    {
        public async ValueTask AddAssetAsync(DiscoveredAsset asset, CancellationToken cancellationToken = default)
        {
            await inner.AddAssetAsync(asset, cancellationToken);
            observer.AssetFound(asset?.Type ?? string.Empty);
        }

        public ValueTask AddEdgeAsync(DiscoveredEdge edge, CancellationToken cancellationToken = default) => inner.AddEdgeAsync(edge, cancellationToken);

        public void ScopeCompleted(string scope)
        {
            inner.ScopeCompleted(scope);
            observer.ScopeReported(scope, "completed", null);
        }

        public void ScopeFailed(string scope, string error)
        {
            inner.ScopeFailed(scope, error);
            observer.ScopeReported(scope, "failed", redactor.Redact(error));
        }

        public void ScopeIncomplete(string scope, string warning)
        {
            inner.ScopeIncomplete(scope, warning);
            observer.ScopeReported(scope, ScopeNote.Incomplete, redactor.Redact(warning));
        }

        public void ScopeUnavailable(string scope, string reason)
        {
            inner.ScopeUnavailable(scope, reason);
            observer.ScopeReported(scope, ScopeNote.Unavailable, redactor.Redact(reason));
        }

        public void ScopesPlanned(int count) => inner.ScopesPlanned(count);
    }
}

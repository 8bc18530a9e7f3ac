using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// An in-test plugin type ("test.fake") driven by a <see cref="FakeSource"/> that the test controls, named by the
/// instance's "source" config field. It goes through the same catalog, runner and writer as every real plugin.
/// </summary>
public sealed class FakePluginType : IPluginType
{
    public const string TypeId = "test.fake";

    public PluginMetadata Metadata { get; } = new(
        TypeId,
        "Fake source",
        "A source whose contents the test sets.",
        "1.0.0",
        [AssetTypes.Model, AssetTypes.Endpoint],
        [
            new ConfigField("source", "Source name", ConfigFieldType.String, Required: true),
            new ConfigField("api_key", "API key", ConfigFieldType.String, Secret: true),
            new ConfigField("page_size", "Page size", ConfigFieldType.Integer, Default: "10"),
        ],
        []);

    public IPlugin Create(PluginConfiguration configuration, PluginContext context) =>
        new FakePlugin(FakeSource.Get(configuration.GetRequiredString("source")), configuration.GetString("api_key"));

    private sealed class FakePlugin(FakeSource source, string? apiKey) : IPlugin
    {
        public Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default) =>
            Task.FromResult(source.VerifyError is null ? VerifyResult.Ok : VerifyResult.Fail(source.VerifyError));

        public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref source.Scans);
            if (source.Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (source.Throw is { } message)
            {
                // A misbehaving plugin that also leaks its secret into the message: the engine must scrub it.
                throw new InvalidOperationException(message + (apiKey is null ? string.Empty : $" (key {apiKey})"));
            }

            foreach (DiscoveredAsset asset in source.Assets.Values)
            {
                await sink.AddAssetAsync(asset, cancellationToken);
            }

            foreach (DiscoveredEdge edge in source.Edges)
            {
                await sink.AddEdgeAsync(edge, cancellationToken);
            }

            foreach (string scope in source.CompletedScopes)
            {
                sink.ScopeCompleted(scope);
            }

            foreach ((string scope, string error) in source.FailedScopes)
            {
                sink.ScopeFailed(scope, error);
            }

            foreach ((string scope, List<string> warnings) in source.IncompleteScopes)
            {
                foreach (string warning in warnings)
                {
                    // Like a provider that quotes the refused credential: the engine must scrub it.
                    sink.ScopeIncomplete(scope, apiKey is null ? warning : warning.Replace("{api_key}", apiKey, StringComparison.Ordinal));
                }
            }

            foreach ((string scope, string reason) in source.UnavailableScopes)
            {
                sink.ScopeUnavailable(scope, reason);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

/// <summary>What a fake instance reports on its next scan. Registered by name so the plugin can find it.</summary>
public sealed class FakeSource
{
    private static readonly ConcurrentDictionary<string, FakeSource> Sources = new(StringComparer.Ordinal);

    public int Scans;

    private FakeSource(string name) => Name = name;

    public string Name { get; }

    public ConcurrentDictionary<string, DiscoveredAsset> Assets { get; } = new(StringComparer.Ordinal);

    public List<DiscoveredEdge> Edges { get; } = [];

    public List<string> CompletedScopes { get; } = [];

    public Dictionary<string, string> FailedScopes { get; } = new(StringComparer.Ordinal);

    /// <summary>Scope to the warnings reported for it (<c>{api_key}</c> in a warning is replaced by the instance's key).</summary>
    public Dictionary<string, List<string>> IncompleteScopes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> UnavailableScopes { get; } = new(StringComparer.Ordinal);

    public string? Throw { get; set; }

    public string? VerifyError { get; set; }

    /// <summary>When set, a scan waits for it (to hold a scan open in a test).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public static FakeSource Create() => Sources.GetOrAdd("src-" + Guid.NewGuid().ToString("N"), n => new FakeSource(n));

    public static FakeSource Get(string name) =>
        Sources.TryGetValue(name, out FakeSource? source) ? source : throw new InvalidOperationException($"No fake source '{name}'.");

    public DiscoveredAsset Put(string type, string id, string scope, string name, JsonObject? attributes = null)
    {
        var asset = new DiscoveredAsset(type, id, name, scope) { Attributes = attributes ?? [] };
        Assets[type + "|" + id] = asset;
        return asset;
    }

    public void Remove(string type, string id) => Assets.TryRemove(type + "|" + id, out _);
}

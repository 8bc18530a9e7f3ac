using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Functions.Otlp;

/// <summary>
/// Trace-derived assets, edges and usage gathered per tenant between flushes, so Table writes follow distinct
/// changed assets rather than spans. Bounded: past Otlp__MaxPendingAssets new assets are refused (the endpoint
/// answers 429) until a flush empties it; counts for assets already held are always accepted.
/// </summary>
public sealed class TraceObservationBuffer(IOptions<OtlpOptions> options)
{
    private readonly object _gate = new();
    private Dictionary<string, TenantBuffer> _tenants = new(StringComparer.Ordinal);
    private int _assets;
    private int _requests;

    /// <summary>Admits one more request being decoded unless <paramref name="limit"/> are already; pair with <see cref="ExitRequest"/>.</summary>
    public bool TryEnterRequest(int limit)
    {
        if (Interlocked.Increment(ref _requests) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _requests);
        return false;
    }

    public void ExitRequest() => Interlocked.Decrement(ref _requests);

    public int PendingAssets
    {
        get
        {
            lock (_gate)
            {
                return _assets;
            }
        }
    }

    /// <summary>Adds one request's extraction; false (nothing added) when it would exceed the bound.</summary>
    public bool TryAdd(string tenant, TraceExtraction extraction)
    {
        lock (_gate)
        {
            TenantBuffer buffer = Get(tenant);
            int newAssets = extraction.Assets.Count(a => !buffer.Assets.ContainsKey((a.Type, a.Id)));
            if (_assets + newAssets > options.Value.MaxPendingAssets)
            {
                return false;
            }

            foreach (DiscoveredAsset asset in extraction.Assets)
            {
                if (buffer.Assets.TryGetValue((asset.Type, asset.Id), out Pending? pending))
                {
                    MergeAttributes(pending.Attributes, asset.Attributes);
                }
                else
                {
                    buffer.Assets[(asset.Type, asset.Id)] = new Pending(asset, (JsonObject)asset.Attributes.DeepClone());
                    _assets++;
                }
            }

            foreach ((AssetKey key, AssetUsage usage) in extraction.Usage)
            {
                if (buffer.Assets.TryGetValue((key.Type, key.Id), out Pending? pending))
                {
                    pending.Usage.Add(usage);
                }
            }

            foreach (DiscoveredEdge edge in extraction.Edges)
            {
                buffer.Edges.Add(edge);
            }

            return true;
        }
    }

    /// <summary>Takes everything held, leaving the buffer empty.</summary>
    public IReadOnlyDictionary<string, (IReadOnlyList<ObservedAsset> Assets, IReadOnlyList<DiscoveredEdge> Edges)> Drain()
    {
        Dictionary<string, TenantBuffer> taken;
        lock (_gate)
        {
            taken = _tenants;
            _tenants = new Dictionary<string, TenantBuffer>(StringComparer.Ordinal);
            _assets = 0;
        }

        return taken.ToDictionary(
            t => t.Key,
            t => ((IReadOnlyList<ObservedAsset>)[.. t.Value.Assets.Values.Select(p => p.ToObserved())], (IReadOnlyList<DiscoveredEdge>)[.. t.Value.Edges]),
            StringComparer.Ordinal);
    }

    /// <summary>Puts back what a failed flush could not write, merged with what arrived meanwhile.</summary>
    public void Restore(string tenant, IReadOnlyList<ObservedAsset> assets, IReadOnlyList<DiscoveredEdge> edges)
    {
        lock (_gate)
        {
            TenantBuffer buffer = Get(tenant);
            foreach (ObservedAsset o in assets)
            {
                if (!buffer.Assets.TryGetValue((o.Asset.Type, o.Asset.Id), out Pending? pending))
                {
                    buffer.Assets[(o.Asset.Type, o.Asset.Id)] = pending = new Pending(o.Asset, (JsonObject)o.Asset.Attributes.DeepClone());
                    _assets++;
                }
                else
                {
                    MergeAttributes(pending.Attributes, o.Asset.Attributes);
                }

                var usage = new AssetUsage { Invocations = o.Invocations, InputTokens = o.InputTokens, OutputTokens = o.OutputTokens, FirstInvoked = o.FirstInvoked, LastInvoked = o.LastInvoked };
                usage.Callers.UnionWith(o.Callers);
                pending.Usage.Add(usage);
            }

            foreach (DiscoveredEdge edge in edges)
            {
                buffer.Edges.Add(edge);
            }
        }
    }

    private TenantBuffer Get(string tenant)
    {
        if (!_tenants.TryGetValue(tenant, out TenantBuffer? buffer))
        {
            _tenants[tenant] = buffer = new TenantBuffer();
        }

        return buffer;
    }

    /// <summary>The first value seen for a key stays; later spans only add keys.</summary>
    private static void MergeAttributes(JsonObject into, JsonObject from)
    {
        foreach ((string key, JsonNode? value) in from)
        {
            if (!into.ContainsKey(key))
            {
                into[key] = value?.DeepClone();
            }
        }
    }

    private sealed class TenantBuffer
    {
        public Dictionary<(string Type, string Id), Pending> Assets { get; } = [];

        public HashSet<DiscoveredEdge> Edges { get; } = [];
    }

    private sealed class Pending(DiscoveredAsset asset, JsonObject attributes)
    {
        public JsonObject Attributes { get; } = attributes;

        public AssetUsage Usage { get; } = new();

        public ObservedAsset ToObserved() =>
            new(asset with { Attributes = (JsonObject)Attributes.DeepClone() }, Usage.Invocations, Usage.InputTokens, Usage.OutputTokens, Usage.LastInvoked)
            {
                FirstInvoked = Usage.FirstInvoked,
                Callers = [.. Usage.Callers],
            };
    }
}

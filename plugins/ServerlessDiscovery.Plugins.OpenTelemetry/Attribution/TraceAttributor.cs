using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

/// <summary>
/// Remembers, per recent trace of each tenant, every span's parent and the agent or tool context it establishes, so a
/// relationship needing an ancestor ("agent A uses model M", "tool T connects to system S", "agent A delegates to B")
/// is found whichever request brought each span. A relationship whose ancestor chain is incomplete waits in its trace
/// and is resolved when the missing spans arrive. The nearest named ancestor wins, and a chain with a gap is never
/// skipped over, so a bound being hit can lose a relationship but never invent a wrong one.
/// Thread-safe: traces are spread over independently locked shards.
/// </summary>
public sealed class TraceAttributor
{
    private const int ShardCount = 16;

    private readonly Shard[] _shards;
    private readonly TimeProvider _time;
    private readonly TimeSpan _idleTimeout;
    private readonly int _maxSpansPerTrace;
    private long _forgottenTraces;
    private long _unrememberedSpans;
    private long _droppedRelationships;

    public TraceAttributor(TraceAttributorOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = timeProvider;
        _idleTimeout = options.TraceIdleTimeout;
        _maxSpansPerTrace = options.MaxSpansPerTrace;
        int tracesPerShard = Math.Max(1, options.MaxTraces / ShardCount);
        int spansPerShard = Math.Max(1, options.MaxSpans / ShardCount);
        _shards = [.. Enumerable.Range(0, ShardCount).Select(_ => new Shard(tracesPerShard, spansPerShard))];
    }

    /// <summary>Traces remembered now.</summary>
    public int TraceCount => _shards.Sum(s => s.TraceCount);

    /// <summary>Spans remembered now.</summary>
    public int SpanCount => _shards.Sum(s => s.SpanCount);

    /// <summary>Traces forgotten (idle, or to make room) since start.</summary>
    public long ForgottenTraces => Interlocked.Read(ref _forgottenTraces);

    /// <summary>Spans not remembered because their trace was full.</summary>
    public long UnrememberedSpans => Interlocked.Read(ref _unrememberedSpans);

    /// <summary>Waiting relationships dropped: their trace was forgotten or its waiting list was full.</summary>
    public long DroppedRelationships => Interlocked.Read(ref _droppedRelationships);

    /// <summary>Records the spans of one trace from one request and reports every relationship that can now be resolved.</summary>
    internal void Observe(string tenant, UInt128 traceId, List<SpanObservation> spans, ICollection<EdgeRef> edges)
    {
        var key = new TraceKey(tenant, traceId);
        Shard shard = _shards[(int)((uint)key.GetHashCode() % ShardCount)];
        DateTimeOffset now = _time.GetUtcNow();
        lock (shard)
        {
            shard.ForgetIdle(now - _idleTimeout, this);
            TraceState state = shard.Touch(key, now, this);

            bool remembered = false;
            foreach (SpanObservation span in spans)
            {
                if (state.Contains(span.SpanId))
                {
                    continue;
                }

                if (state.NodeCount >= _maxSpansPerTrace || !shard.MakeRoomForSpan(state, this))
                {
                    Interlocked.Increment(ref _unrememberedSpans);
                    continue;
                }

                state.Add(span.SpanId, new SpanNode(span.ParentSpanId, span.Facts?.Agent?.Id, span.Facts?.Tool?.Key), Math.Min(spans.Count, _maxSpansPerTrace));
                shard.SpanCount++;
                remembered = true;
            }

            if (remembered && state.Pending is { } pending)
            {
                for (int i = pending.Count - 1; i >= 0; i--)
                {
                    if (TryResolve(state, pending[i], edges))
                    {
                        pending[i] = pending[^1];
                        pending.RemoveAt(pending.Count - 1);
                    }
                }
            }

            foreach (SpanObservation span in spans)
            {
                if (span.Facts is { } facts && span.Included)
                {
                    AddNeeds(state, span.ParentSpanId, facts, edges);
                }

                if (span.Facts?.Model is { } model && model.Attributes.Find(a => a.Key == "provider").Value is { } provider && provider != ProviderNames.Unknown)
                {
                    (state.Providers ??= new TraceProviders()).Add(model.Name, provider);
                }
            }
        }
    }

    /// <summary>The provider a model span naming none takes from the earlier requests' spans of its trace (<see cref="TraceProviders"/>), or null.</summary>
    internal string? ProviderFor(string tenant, UInt128 traceId, string model)
    {
        var key = new TraceKey(tenant, traceId);
        Shard shard = _shards[(int)((uint)key.GetHashCode() % ShardCount)];
        lock (shard)
        {
            return shard.Find(key)?.Providers?.For(model);
        }
    }

    private void AddNeeds(TraceState state, ulong parent, SpanFacts facts, ICollection<EdgeRef> edges)
    {
        if (facts.Agent is { } agent)
        {
            Need(state, new PendingLink(parent, LinkKind.DelegatingAgent, agent.Key), edges);
        }
        else
        {
            if (facts.Model is { } model)
            {
                Need(state, new PendingLink(parent, LinkKind.AgentUsingModel, model.Key), edges);
            }

            if (facts.Tool is { } tool)
            {
                Need(state, new PendingLink(parent, LinkKind.AgentUsingTool, tool.Key), edges);
            }
        }

        if (facts.Downstream is { } downstream)
        {
            Need(state, new PendingLink(parent, LinkKind.ToolConnecting, downstream.Key), edges);
        }
    }

    private void Need(TraceState state, PendingLink link, ICollection<EdgeRef> edges)
    {
        if (TryResolve(state, link, edges))
        {
            return;
        }

        if ((state.Pending?.Count ?? 0) < _maxSpansPerTrace)
        {
            (state.Pending ??= []).Add(link);
        }
        else
        {
            Interlocked.Increment(ref _droppedRelationships);
        }
    }

    /// <summary>Walks up from the span's parent: true when the answer is known (an edge, or certainly none), false when an ancestor is missing.</summary>
    private static bool TryResolve(TraceState state, PendingLink link, ICollection<EdgeRef> edges)
    {
        ulong current = link.StartParent;
        for (int steps = 0; steps <= state.NodeCount; steps++)
        {
            if (current == 0)
            {
                return true;
            }

            if (!state.TryGet(current, out SpanNode node))
            {
                return false;
            }

            if (link.Kind == LinkKind.ToolConnecting)
            {
                if (node.Tool is { } tool)
                {
                    edges.Add(new EdgeRef(tool, Relationships.ConnectsTo, link.Subject));
                    return true;
                }

                if (node.AgentId is not null)
                {
                    return true;
                }
            }
            else if (node.AgentId is { } agentId)
            {
                var agent = new AssetKey(AssetTypes.Agent, agentId);
                if (agent != link.Subject)
                {
                    string relationship = link.Kind switch
                    {
                        LinkKind.AgentUsingModel => Relationships.UsesModel,
                        LinkKind.AgentUsingTool => Relationships.UsesTool,
                        _ => Relationships.DelegatesTo,
                    };
                    edges.Add(new EdgeRef(agent, relationship, link.Subject));
                }

                return true;
            }

            current = node.Parent;
        }

        return true; // a parent cycle: malformed trace, nothing to attribute
    }

    private readonly record struct TraceKey(string Tenant, UInt128 TraceId);

    private readonly record struct SpanNode(ulong Parent, string? AgentId, AssetKey? Tool);

    private enum LinkKind : byte
    {
        AgentUsingModel,
        AgentUsingTool,
        DelegatingAgent,
        ToolConnecting,
    }

    private readonly record struct PendingLink(ulong StartParent, LinkKind Kind, AssetKey Subject);

    /// <summary>
    /// One remembered trace, laid out for the number held at once (thousands) and the rate they are replaced under load:
    /// its spans in one array, searched in place while small and indexed once larger; the waiting relationships and the
    /// providers only once there are any; the recency list threaded through the traces themselves.
    /// </summary>
    private sealed class TraceState(TraceKey key)
    {
        /// <summary>Spans a trace holds before its array is indexed; a walk up a small trace is cheaper by scanning.</summary>
        private const int ScanLimit = 16;

        private NodeEntry[] _nodes = [];
        private Dictionary<ulong, int>? _index;

        public TraceKey Key { get; } = key;

        public int NodeCount { get; private set; }

        /// <summary>Relationships waiting for an ancestor span; null until one waits.</summary>
        public List<PendingLink>? Pending { get; set; }

        /// <summary>What the trace's model spans say about their providers; null until one names a provider.</summary>
        public TraceProviders? Providers { get; set; }

        public DateTimeOffset LastTouched { get; set; }

        /// <summary>The neighbours in the shard's recency list (<see cref="Older"/> is touched less recently).</summary>
        public TraceState? Older { get; set; }

        public TraceState? Newer { get; set; }

        public bool Contains(ulong spanId) => IndexOf(spanId) >= 0;

        public bool TryGet(ulong spanId, out SpanNode node)
        {
            int i = IndexOf(spanId);
            node = i >= 0 ? _nodes[i].Node : default;
            return i >= 0;
        }

        /// <summary>Adds a span not yet remembered; a first array is sized for <paramref name="expected"/> spans (the request's).</summary>
        public void Add(ulong spanId, SpanNode node, int expected)
        {
            if (NodeCount == _nodes.Length)
            {
                Array.Resize(ref _nodes, NodeCount == 0 ? Math.Max(1, expected) : NodeCount * 2);
            }

            _nodes[NodeCount] = new NodeEntry(spanId, node);
            if (_index is not null)
            {
                _index.Add(spanId, NodeCount);
            }
            else if (NodeCount == ScanLimit)
            {
                _index = new Dictionary<ulong, int>(NodeCount * 2);
                for (int i = 0; i <= NodeCount; i++)
                {
                    _index.Add(_nodes[i].SpanId, i);
                }
            }

            NodeCount++;
        }

        private int IndexOf(ulong spanId)
        {
            if (_index is not null)
            {
                return _index.TryGetValue(spanId, out int i) ? i : -1;
            }

            for (int i = 0; i < NodeCount; i++)
            {
                if (_nodes[i].SpanId == spanId)
                {
                    return i;
                }
            }

            return -1;
        }

        private readonly record struct NodeEntry(ulong SpanId, SpanNode Node);
    }

    private sealed class Shard(int maxTraces, int maxSpans)
    {
        private readonly Dictionary<TraceKey, TraceState> _traces = [];

        /// <summary>The least and the most recently touched trace: the ends of the recency list.</summary>
        private TraceState? _oldest;
        private TraceState? _newest;

        public int TraceCount => _traces.Count;

        public int SpanCount { get; set; }

        public TraceState? Find(TraceKey key) => _traces.GetValueOrDefault(key);

        public TraceState Touch(TraceKey key, DateTimeOffset now, TraceAttributor owner)
        {
            if (_traces.TryGetValue(key, out TraceState? state))
            {
                Unlink(state);
            }
            else
            {
                while (_traces.Count >= maxTraces && _oldest is { } oldest)
                {
                    Forget(oldest, owner);
                }

                state = new TraceState(key);
                _traces.Add(key, state);
            }

            state.Older = _newest;
            state.Newer = null;
            if (_newest is not null)
            {
                _newest.Newer = state;
            }

            _newest = state;
            _oldest ??= state;
            state.LastTouched = now;
            return state;
        }

        /// <summary>Forgets least recently touched other traces until one more span fits; false when only <paramref name="keep"/> is left.</summary>
        public bool MakeRoomForSpan(TraceState keep, TraceAttributor owner)
        {
            while (SpanCount >= maxSpans)
            {
                if (_oldest is not { } oldest || oldest == keep)
                {
                    return false;
                }

                Forget(oldest, owner);
            }

            return true;
        }

        public void ForgetIdle(DateTimeOffset cutoff, TraceAttributor owner)
        {
            while (_oldest is { } oldest && oldest.LastTouched < cutoff)
            {
                Forget(oldest, owner);
            }
        }

        private void Forget(TraceState state, TraceAttributor owner)
        {
            Unlink(state);
            _traces.Remove(state.Key);
            SpanCount -= state.NodeCount;
            Interlocked.Increment(ref owner._forgottenTraces);
            Interlocked.Add(ref owner._droppedRelationships, state.Pending?.Count ?? 0);
        }

        private void Unlink(TraceState state)
        {
            if (state.Older is not null)
            {
                state.Older.Newer = state.Newer;
            }
            else
            {
                _oldest = state.Newer;
            }

            if (state.Newer is not null)
            {
                state.Newer.Older = state.Older;
            }
            else
            {
                _newest = state.Older;
            }

            state.Older = null;
            state.Newer = null;
        }
    }
}

/// <summary>
/// One span as the attributor sees it. A span of a filtered-out service is still a link in its trace (with its real
/// agent/tool context, so attribution never skips over it) but asks for no relationships of its own.
/// </summary>
internal readonly record struct SpanObservation(ulong SpanId, ulong ParentSpanId, SpanFacts? Facts, bool Included);

/// <summary>A resolved relationship between two assets.</summary>
internal readonly record struct EdgeRef(AssetKey Source, string Relationship, AssetKey Target);

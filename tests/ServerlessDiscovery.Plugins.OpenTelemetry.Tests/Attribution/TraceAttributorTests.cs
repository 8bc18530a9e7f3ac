using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Attribution;

public sealed class TraceAttributorTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static ServerlessDiscovery.Otlp.Protocol.Trace.Span Root(ulong trace) => Spans.Make(trace, 1, 0, "invoke_agent Boss", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "Boss"));

    private static ServerlessDiscovery.Otlp.Protocol.Trace.Span Middle(ulong trace) => Spans.Make(trace, 2, 1, "http handler");

    private static ServerlessDiscovery.Otlp.Protocol.Trace.Span Chat(ulong trace) => Spans.Make(trace, 3, 2, "chat", ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"));

    private static readonly (string, string, string) BossUsesGpt = ("boss", "uses_model", "openai/gpt-4o");

    [Fact]
    public void Extract_ChildBeforeRootAcrossBatches_EdgeResolvedWhenAncestorsArrive()
    {
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));

        TraceExtraction first = extractor.Extract("t", Spans.Decode("svc", Chat(7)));
        TraceExtraction second = extractor.Extract("t", Spans.Decode("svc", Root(7)));
        TraceExtraction third = extractor.Extract("t", Spans.Decode("svc", Middle(7)));

        Assert.Empty(first.Edges);
        Assert.Empty(second.Edges); // the middle span is still missing: no guess over the gap
        Assert.Equal(BossUsesGpt, Tuple(Assert.Single(third.Edges)));
    }

    [Fact]
    public void Extract_NestedAgentsAndToolDownstream_NearestAncestorWins()
    {
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        TraceExtraction a = extractor.Extract("t", Spans.Decode("svc",
            Spans.Make(9, 5, 4, "SELECT", ("db.system.name", "postgresql"), ("db.namespace", "orders")),
            Spans.Make(9, 4, 3, "execute_tool lookup", ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "lookup"))));
        TraceExtraction b = extractor.Extract("t", Spans.Decode("svc",
            Spans.Make(9, 3, 1, "invoke_agent Worker", ("gen_ai.agent.name", "Worker")),
            Root(9)));

        Assert.Contains(a.Edges, e => e is { SourceType: "tool", SourceId: "lookup", Relationship: "connects_to", TargetId: "database/postgresql/orders" });
        Assert.Equal(
            [("boss", "delegates_to", "worker"), ("worker", "uses_tool", "lookup")],
            b.Edges.Select(Tuple).Order());
    }

    [Fact]
    public void Extract_Tenants_AreIsolated()
    {
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        extractor.Extract("tenant-a", Spans.Decode("svc", Root(5), Middle(5)));

        Assert.Empty(extractor.Extract("tenant-b", Spans.Decode("svc", Chat(5))).Edges);
        Assert.Single(extractor.Extract("tenant-a", Spans.Decode("svc", Chat(5))).Edges);
    }

    [Fact]
    public void Extract_IdleTraceForgotten_EdgeLostNeverWrong()
    {
        var time = new ManualTime();
        var attributor = new TraceAttributor(new TraceAttributorOptions { TraceIdleTimeout = TimeSpan.FromMinutes(1) }, time);
        var extractor = new TraceAssetExtractor(attributor);
        extractor.Extract("t", Spans.Decode("svc", Chat(3)));

        time.Now += TimeSpan.FromMinutes(2);
        TraceExtraction late = extractor.Extract("t", Spans.Decode("svc", Root(3), Middle(3)));

        Assert.Empty(late.Edges);
        Assert.Equal(1, attributor.ForgottenTraces);
        Assert.Equal(1, attributor.DroppedRelationships);
    }

    [Fact]
    public void Extract_MaxTraces_OldestForgottenAndCountBounded()
    {
        var attributor = new TraceAttributor(new TraceAttributorOptions { MaxTraces = 16 }, TimeProvider.System);
        var extractor = new TraceAssetExtractor(attributor);
        for (ulong trace = 1; trace <= 200; trace++)
        {
            extractor.Extract("t", Spans.Decode("svc", Chat(trace)));
        }

        Assert.True(attributor.TraceCount <= 16, $"{attributor.TraceCount} traces remembered");
        Assert.True(attributor.ForgottenTraces >= 184);
    }

    [Fact]
    public void Extract_MaxSpansPerTrace_UnrememberedLinkLosesEdgeButNeverMisattributes()
    {
        var attributor = new TraceAttributor(new TraceAttributorOptions { MaxSpansPerTrace = 2 }, TimeProvider.System);
        var extractor = new TraceAssetExtractor(attributor);
        // Boss (1) -> Worker (2) -> chat (3): Worker is not remembered, so chat must not be given to Boss.
        extractor.Extract("t", Spans.Decode("svc", Root(4), Spans.Make(4, 9, 1, "other")));
        TraceExtraction x = extractor.Extract("t", Spans.Decode("svc",
            Spans.Make(4, 2, 1, "invoke_agent Worker", ("gen_ai.agent.name", "Worker")), Chat(4)));

        Assert.DoesNotContain(x.Edges, e => e.SourceId == "boss" && e.Relationship == "uses_model");
        Assert.Contains(x.Edges, e => e is { SourceId: "boss", Relationship: "delegates_to", TargetId: "worker" });
        Assert.True(attributor.SpanCount <= 2);
        Assert.Equal(2, attributor.UnrememberedSpans);
    }

    [Fact]
    public void Extract_DeepTraceInAnyOrder_EdgeResolvedOnlyWhenTheChainIsComplete()
    {
        // Boss (1) -> 40 plain spans (2..41) -> chat (42): more spans than a trace scans before it indexes them.
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        var middles = Enumerable.Range(2, 40).Select(id => Spans.Make(11, (ulong)id, (ulong)id - 1, "step")).ToList();
        var order = middles.OrderBy(span => (span.SpanId[^1] * 37) % 41).ToList();

        Assert.Empty(extractor.Extract("t", Spans.Decode("svc", Spans.Make(11, 42, 41, "chat", ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o")))).Edges);
        Assert.Empty(extractor.Extract("t", Spans.Decode("svc", Root(11))).Edges);
        for (int i = 0; i < order.Count; i += 8)
        {
            TraceExtraction batch = extractor.Extract("t", Spans.Decode("svc", [.. order.Skip(i).Take(8)]));
            if (i + 8 < order.Count)
            {
                Assert.Empty(batch.Edges); // a link of the chain is still missing
            }
            else
            {
                Assert.Equal(BossUsesGpt, Tuple(Assert.Single(batch.Edges)));
            }
        }

        // Every span is remembered once: sending them again changes nothing.
        Assert.Empty(extractor.Extract("t", Spans.Decode("svc", [.. middles])).Edges);
    }

    [Fact]
    public void Extract_MaxSpans_BoundHeldAndEveryCompleteTraceAttributed()
    {
        var attributor = new TraceAttributor(new TraceAttributorOptions { MaxSpans = 64 }, TimeProvider.System);
        var extractor = new TraceAssetExtractor(attributor);
        int edges = 0;
        for (ulong trace = 1; trace <= 500; trace++)
        {
            edges += extractor.Extract("t", Spans.Decode("svc", Root(trace), Middle(trace), Chat(trace))).Edges.Count;
        }

        Assert.Equal(500, edges);
        Assert.InRange(attributor.SpanCount, 1, 64);
        Assert.Equal(500 - attributor.TraceCount, attributor.ForgottenTraces);
        Assert.Equal(attributor.TraceCount * 3, attributor.SpanCount);
    }

    [Fact]
    public void Extract_MaxTraces_RecentlyTouchedTraceOutlivesOlderOnes()
    {
        // Two traces per shard: a trace touched between every new one is never the least recently touched.
        var attributor = new TraceAttributor(new TraceAttributorOptions { MaxTraces = 32 }, TimeProvider.System);
        var extractor = new TraceAssetExtractor(attributor);
        const ulong hot = 100_000;
        extractor.Extract("t", Spans.Decode("svc", Root(hot)));
        for (ulong cold = 1; cold <= 1000; cold++)
        {
            extractor.Extract("t", Spans.Decode("svc", Middle(hot)));
            extractor.Extract("t", Spans.Decode("svc", Chat(cold)));
        }

        Assert.True(attributor.ForgottenTraces >= 1000 - 32);
        Assert.Equal(BossUsesGpt, Tuple(Assert.Single(extractor.Extract("t", Spans.Decode("svc", Chat(hot))).Edges)));
    }

    [Fact]
    public async Task Extract_ConcurrentBatches_ResolveEveryEdge()
    {
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        var edges = new System.Collections.Concurrent.ConcurrentBag<DiscoveredEdge>();
        await Parallel.ForAsync(1, 401, (i, _) =>
        {
            ulong trace = (ulong)((i + 1) / 2);
            var batch = i % 2 == 0 ? Spans.Decode("svc", Chat(trace)) : Spans.Decode("svc", Root(trace), Middle(trace));
            foreach (DiscoveredEdge e in extractor.Extract("t", batch).Edges)
            {
                edges.Add(e);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(200, edges.Count);
    }

    private static (string, string, string) Tuple(DiscoveredEdge e) => (e.SourceId, e.Relationship, e.TargetId);
}

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Decoding;

/// <summary>Bodies produced by the real OpenTelemetry .NET OTLP exporter (http/protobuf), captured by a loopback server.</summary>
public sealed class RealExporterTests
{
    [Fact]
    public async Task DecodeTraces_OtlpExporterHttpProtobuf_DecodesSpansAndExtractsAssets()
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync((context, _) =>
        {
            context.Response.ContentType = "application/x-protobuf";
            return context.Response.Body.WriteAsync(OtlpResponses.Traces(OtlpEncoding.Protobuf)).AsTask();
        });
        string sourceName = "exporter-test-" + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(sourceName);
        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("support-agent"))
            .AddSource(sourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(server.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (Activity agent = source.StartActivity("invoke_agent Helper", ActivityKind.Internal)!)
            {
                agent.SetTag("gen_ai.operation.name", "invoke_agent");
                agent.SetTag("gen_ai.agent.name", "Helper");
                using Activity chat = source.StartActivity("chat gpt-4o", ActivityKind.Client)!;
                chat.SetTag("gen_ai.operation.name", "chat");
                chat.SetTag("gen_ai.provider.name", "openai");
                chat.SetTag("gen_ai.request.model", "gpt-4o");
                chat.SetTag("gen_ai.usage.input_tokens", 12L);
                chat.SetTag("gen_ai.usage.output_tokens", 34);
            }

            Assert.True(provider.ForceFlush(30_000));
        }

        RecordedRequest[] requests = [.. server.Requests.Where(r => r.Path == "/v1/traces")];
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.StartsWith("application/x-protobuf", r.Headers["Content-Type"], StringComparison.Ordinal));
        List<OtlpSpan> spans = [.. requests.SelectMany(r => OtlpDecoder.DecodeTraces(r.Body, OtlpEncoding.Protobuf).Spans)];

        Assert.Equal(2, spans.Count);
        OtlpSpan chatSpan = spans.Single(s => s.Name == "chat gpt-4o");
        OtlpSpan agentSpan = spans.Single(s => s.Name == "invoke_agent Helper");
        Assert.Equal(agentSpan.SpanId, chatSpan.ParentSpanId);
        Assert.Equal(agentSpan.TraceId, chatSpan.TraceId);
        Assert.Equal(OtlpSpanKind.Client, chatSpan.Kind);
        Assert.Equal("support-agent", chatSpan.Attributes.Text(SpanAttribute.ServiceName));
        Assert.Equal(12, chatSpan.Attributes.Integer(SpanAttribute.GenAiUsageInputTokens));

        // OtlpDecoder's protobuf path (the wire reader) decodes the exporter's bodies as the generated parser did.
        static string Seen(OtlpSpan s) => string.Join('|', [s.TraceId, s.SpanId, s.ParentSpanId, s.Name, s.Kind, s.StartTimeUnixNano, s.EndTimeUnixNano, s.StatusCode, s.StatusMessage,
            .. Enum.GetValues<SpanAttribute>().Select(a => s.Attributes.TryGet(a, out AttributeValue v) ? $"{a}={v}" : null)]);
        Assert.Equal(
            requests.SelectMany(r => ServerlessDiscovery.Otlp.Decoding.Protobuf.OtlpProtobufReference.DecodeTraces(r.Body).Spans).Select(Seen),
            spans.Select(Seen));

        // One batch per span (simple processor): the attribution crosses request boundaries.
        var extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
        List<DiscoveredEdge> edges = [];
        foreach (RecordedRequest request in requests)
        {
            edges.AddRange(extractor.Extract("t1", OtlpDecoder.DecodeTraces(request.Body, OtlpEncoding.Protobuf).Spans).Edges);
        }

        DiscoveredEdge edge = Assert.Single(edges);
        Assert.Equal(("agent", "helper", "uses_model", "model", "openai/gpt-4o"), (edge.SourceType, edge.SourceId, edge.Relationship, edge.TargetType, edge.TargetId));
    }
}

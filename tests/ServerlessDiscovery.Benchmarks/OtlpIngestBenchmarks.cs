using System.Buffers.Binary;
using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ServerlessDiscovery.Otlp.Protocol.Resource;
using ServerlessDiscovery.Otlp.Protocol.Trace;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// Parse + normalise + asset extraction (with cross-batch attribution) of one OTLP request of GenAI spans, no I/O.
/// Spans/s = SpansPerBatch / mean time. Each trace: invoke_agent → chat, execute_tool → db, 4 spans, ~10 attributes each.
/// </summary>
[MemoryDiagnoser]
public class OtlpIngestBenchmarks
{
    public const int SpansPerBatch = 512;

    private byte[] _protobuf = [];
    private byte[] _json = [];
    private TraceAssetExtractor _extractor = null!;
    private ulong _round;

    [GlobalSetup]
    public void Setup()
    {
        var request = Build();
        _protobuf = request.ToByteArray();
        _json = Encoding.UTF8.GetBytes(ToOtlpJson(request));
        _extractor = new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));
    }

    [Benchmark(OperationsPerInvoke = SpansPerBatch)]
    public int Protobuf() => Ingest(OtlpDecoder.DecodeTraces(_protobuf, OtlpEncoding.Protobuf));

    [Benchmark(OperationsPerInvoke = SpansPerBatch)]
    public int Json() => Ingest(OtlpDecoder.DecodeTraces(_json, OtlpEncoding.Json));

    /// <summary>Decoding alone (the streaming OTLP/JSON reader), without normalisation and extraction.</summary>
    [Benchmark(OperationsPerInvoke = SpansPerBatch)]
    public int JsonDecode() => OtlpDecoder.DecodeTraces(_json, OtlpEncoding.Json).Spans.Count;

    [Benchmark(OperationsPerInvoke = SpansPerBatch)]
    public int ProtobufDecode() => OtlpDecoder.DecodeTraces(_protobuf, OtlpEncoding.Protobuf).Spans.Count;

    // A tenant per round keeps every batch's traces new to the attributor, as with live traffic.
    private int Ingest(OtlpTraceBatch batch) => _extractor.Extract($"t{_round++ % 64}", batch.Spans).Assets.Count;

    internal static ExportTraceServiceRequest Build()
    {
        var resource = new Resource();
        resource.Attributes.Add(Kv("service.name", "support-agent"));
        resource.Attributes.Add(Kv("telemetry.sdk.language", "dotnet"));
        resource.Attributes.Add(Kv("host.name", "worker-17"));
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "Experimental.Microsoft.Extensions.AI" } };
        for (ulong t = 1; scope.Spans.Count < SpansPerBatch; t++)
        {
            string agent = $"agent-{t % 8}";
            scope.Spans.Add(Span(t, 1, 0, $"invoke_agent {agent}", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", agent), ("gen_ai.agent.id", $"asst_{t % 8}"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.conversation.id", $"conv-{t}")));
            scope.Spans.Add(Span(t, 2, 1, "chat gpt-4o", ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", t % 2 == 0 ? "openai" : "azure.ai.openai"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("gen_ai.usage.input_tokens", 812L), ("gen_ai.usage.output_tokens", 96L), ("server.address", "api.openai.com"), ("server.port", 443L), ("gen_ai.request.temperature", 0.2), ("gen_ai.response.id", $"chatcmpl-{t}")));
            scope.Spans.Add(Span(t, 3, 1, "execute_tool lookup_order", ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", $"lookup_order_{t % 4}"), ("gen_ai.tool.type", "function"), ("gen_ai.tool.call.id", $"call_{t}")));
            scope.Spans.Add(Span(t, 4, 3, "SELECT orders", ("db.system.name", "postgresql"), ("db.namespace", "orders"), ("db.query.text", "SELECT * FROM orders WHERE id = $1"), ("server.address", "db.internal"), ("server.port", 5432L)));
        }

        var rs = new ResourceSpans { Resource = resource };
        rs.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(rs);
        return request;
    }

    private static Span Span(ulong trace, ulong id, ulong parent, string name, params (string Key, object Value)[] attributes)
    {
        byte[] traceId = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(traceId.AsSpan(8), trace);
        BinaryPrimitives.WriteUInt64BigEndian(traceId, 0x5b8efff798038103);
        byte[] spanId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(spanId, (trace << 8) | id);
        byte[] parentId = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(parentId, (trace << 8) | parent);
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(traceId),
            SpanId = ByteString.CopyFrom(spanId),
            ParentSpanId = parent == 0 ? ByteString.Empty : ByteString.CopyFrom(parentId),
            Name = name,
            Kind = ServerlessDiscovery.Otlp.Protocol.Trace.Span.Types.SpanKind.Client,
            StartTimeUnixNano = 1_700_000_000_000_000_000 + trace,
            EndTimeUnixNano = 1_700_000_000_500_000_000 + trace,
        };
        span.Attributes.Add(attributes.Select(a => Kv(a.Key, a.Value)));
        return span;
    }

    private static KeyValue Kv(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            long l => new AnyValue { IntValue = l },
            double d => new AnyValue { DoubleValue = d },
            _ => throw new ArgumentOutOfRangeException(nameof(value)),
        },
    };

    /// <summary>OTLP JSON differs from protobuf's JSON mapping only in hex ids.</summary>
    internal static string ToOtlpJson(ExportTraceServiceRequest request)
    {
        foreach (Span span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
        {
            span.TraceState = Convert.ToHexStringLower(span.TraceId.Span) + "|" + Convert.ToHexStringLower(span.SpanId.Span) + "|" + Convert.ToHexStringLower(span.ParentSpanId.Span);
        }

        string json = JsonFormatter.Default.Format(request);
        foreach (Span span in request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans))
        {
            string[] hex = span.TraceState.Split('|');
            json = json.Replace($"\"{span.TraceId.ToBase64()}\"", $"\"{hex[0]}\"", StringComparison.Ordinal)
                .Replace($"\"{span.SpanId.ToBase64()}\"", $"\"{hex[1]}\"", StringComparison.Ordinal);
            if (hex[2].Length > 0)
            {
                json = json.Replace($"\"{span.ParentSpanId.ToBase64()}\"", $"\"{hex[2]}\"", StringComparison.Ordinal);
            }
        }

        return json;
    }
}

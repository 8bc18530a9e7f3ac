using Google.Protobuf;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ServerlessDiscovery.Otlp.Protocol.Resource;
using ServerlessDiscovery.Otlp.Protocol.Trace;

namespace ServerlessDiscovery.Otlp.Tests;

/// <summary>Builds OTLP protobuf requests for tests; attribute values may be string, long, int, bool or double.</summary>
internal static class Spans
{
    public static Span Make(ulong traceId, ulong spanId, ulong parentId, string name, params (string Key, object Value)[] attributes)
    {
        var span = new Span
        {
            TraceId = ByteString.CopyFrom(Id(traceId, 16)),
            SpanId = ByteString.CopyFrom(Id(spanId, 8)),
            ParentSpanId = parentId == 0 ? ByteString.Empty : ByteString.CopyFrom(Id(parentId, 8)),
            Name = name,
            Kind = Span.Types.SpanKind.Client,
            StartTimeUnixNano = 1_700_000_000_000_000_000,
            EndTimeUnixNano = 1_700_000_001_000_000_000,
        };
        span.Attributes.Add(attributes.Select(a => Kv(a.Key, a.Value)));
        return span;
    }

    public static byte[] Request(string service, params Span[] spans)
    {
        var resource = new Resource();
        resource.Attributes.Add(Kv("service.name", service));
        var scope = new ScopeSpans();
        scope.Spans.Add(spans);
        var rs = new ResourceSpans { Resource = resource };
        rs.ScopeSpans.Add(scope);
        var request = new ExportTraceServiceRequest();
        request.ResourceSpans.Add(rs);
        return request.ToByteArray();
    }

    public static IReadOnlyList<OtlpSpan> Decode(string service, params Span[] spans) =>
        OtlpDecoder.DecodeTraces(Request(service, spans), OtlpEncoding.Protobuf).Spans;

    public static KeyValue Kv(string key, object value) => new()
    {
        Key = key,
        Value = value switch
        {
            string s => new AnyValue { StringValue = s },
            long l => new AnyValue { IntValue = l },
            int i => new AnyValue { IntValue = i },
            bool b => new AnyValue { BoolValue = b },
            double d => new AnyValue { DoubleValue = d },
            _ => throw new ArgumentOutOfRangeException(nameof(value)),
        },
    };

    private static byte[] Id(ulong value, int length)
    {
        byte[] bytes = new byte[length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(length - 8), value);
        return bytes;
    }
}

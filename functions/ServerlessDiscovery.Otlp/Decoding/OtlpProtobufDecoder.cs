using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ServerlessDiscovery.Otlp.Protocol.Collector.Logs;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ProtoResource = ServerlessDiscovery.Otlp.Protocol.Resource.Resource;
using ProtoSpan = ServerlessDiscovery.Otlp.Protocol.Trace.Span;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>OTLP/HTTP binary protobuf (application/x-protobuf) into the internal model.</summary>
internal static class OtlpProtobufDecoder
{
    public static OtlpTraceBatch DecodeTraces(ReadOnlySpan<byte> body)
    {
        ExportTraceServiceRequest request;
        try
        {
            request = ExportTraceServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP ExportTraceServiceRequest protobuf: {ex.Message}", ex);
        }

        var spans = new List<OtlpSpan>();
        var rejections = new Rejections();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            AttributeSet resource = ResourceAttributes(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (ProtoSpan span in scopeSpans.Spans)
                {
                    UInt128 traceId = span.TraceId.Length == OtlpIds.TraceIdLength ? BinaryPrimitives.ReadUInt128BigEndian(span.TraceId.Span) : UInt128.Zero;
                    ulong spanId = span.SpanId.Length == OtlpIds.SpanIdLength ? BinaryPrimitives.ReadUInt64BigEndian(span.SpanId.Span) : 0;
                    string? problem = OtlpIds.SpanIdProblem(span.TraceId.Length, traceId, span.SpanId.Length, spanId, span.ParentSpanId.Length);
                    if (problem is not null)
                    {
                        rejections.Add(problem);
                        continue;
                    }

                    spans.Add(new OtlpSpan
                    {
                        TraceId = traceId,
                        SpanId = spanId,
                        ParentSpanId = span.ParentSpanId.Length == 0 ? 0 : BinaryPrimitives.ReadUInt64BigEndian(span.ParentSpanId.Span),
                        Name = span.Name,
                        Kind = (OtlpSpanKind)(int)span.Kind is var kind && Enum.IsDefined(kind) ? kind : OtlpSpanKind.Unspecified,
                        StartTimeUnixNano = span.StartTimeUnixNano,
                        EndTimeUnixNano = span.EndTimeUnixNano,
                        StatusCode = span.Status is null ? OtlpStatusCode.Unset : (OtlpStatusCode)(int)span.Status.Code is var code && Enum.IsDefined(code) ? code : OtlpStatusCode.Unset,
                        StatusMessage = span.Status is { Message.Length: > 0 } ? span.Status.Message : null,
                        Attributes = Attributes(span.Attributes, resource),
                    });
                }
            }
        }

        return new OtlpTraceBatch(spans, rejections.Count, rejections.Message);
    }

    public static OtlpLogBatch DecodeLogs(ReadOnlySpan<byte> body)
    {
        ExportLogsServiceRequest request;
        try
        {
            request = ExportLogsServiceRequest.Parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP ExportLogsServiceRequest protobuf: {ex.Message}", ex);
        }

        var records = new List<OtlpLogRecord>();
        var rejections = new Rejections();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            AttributeSet resource = ResourceAttributes(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    string? problem = OtlpIds.LogIdProblem(record.TraceId.Length, record.SpanId.Length);
                    if (problem is not null)
                    {
                        rejections.Add(problem);
                        continue;
                    }

                    records.Add(new OtlpLogRecord
                    {
                        TraceId = record.TraceId.Length == 0 ? UInt128.Zero : BinaryPrimitives.ReadUInt128BigEndian(record.TraceId.Span),
                        SpanId = record.SpanId.Length == 0 ? 0 : BinaryPrimitives.ReadUInt64BigEndian(record.SpanId.Span),
                        TimeUnixNano = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano,
                        SeverityNumber = (int)record.SeverityNumber,
                        EventName = record.EventName.Length > 0 ? record.EventName : null,
                        Attributes = Attributes(record.Attributes, resource),
                    });
                }
            }
        }

        return new OtlpLogBatch(records, rejections.Count, rejections.Message);
    }

    private static AttributeSet ResourceAttributes(ProtoResource? resource) =>
        resource is null ? AttributeSet.Empty : Attributes(resource.Attributes, null);

    private static AttributeSet Attributes(RepeatedField<KeyValue> attributes, AttributeSet? fallback)
    {
        var set = new AttributeSet(fallback);
        foreach (KeyValue kv in attributes)
        {
            if (kv.Value is not null && SpanAttributeKeys.ByKey.TryGetValue(kv.Key, out SpanAttribute key) && Scalar(kv.Value) is { } value)
            {
                set.Set(key, value);
            }
        }

        return set;
    }

    /// <summary>Known keys are scalars; an array or map under a known key is not something any rule reads.</summary>
    private static AttributeValue? Scalar(AnyValue value) => value.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => AttributeValue.FromText(value.StringValue),
        AnyValue.ValueOneofCase.IntValue => AttributeValue.FromInteger(value.IntValue),
        AnyValue.ValueOneofCase.BoolValue => AttributeValue.FromText(value.BoolValue ? "true" : "false"),
        AnyValue.ValueOneofCase.DoubleValue => AttributeValue.FromText(value.DoubleValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        _ => null,
    };
}

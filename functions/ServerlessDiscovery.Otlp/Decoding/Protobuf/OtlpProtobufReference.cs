using Google.Protobuf;
using Google.Protobuf.Collections;
using ServerlessDiscovery.Otlp.Protocol.Collector.Logs;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ProtoResource = ServerlessDiscovery.Otlp.Protocol.Resource.Resource;
using ProtoSpan = ServerlessDiscovery.Otlp.Protocol.Trace.Span;

namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>
/// The former protobuf decoding, kept as the oracle for <see cref="OtlpProtobufDecoder"/>: the generated parser builds the
/// whole request, then the fields discovery reads are copied out. The differential tests and the <c>otlp-decode</c>
/// benchmark (before/after) use it; the request path does not.
/// </summary>
internal static class OtlpProtobufReference
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
        var issues = new BatchIssues();
        foreach (var resourceSpans in request.ResourceSpans)
        {
            AttributeSet resource = ResourceAttributes(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                foreach (ProtoSpan span in scopeSpans.Spans)
                {
                    if (OtlpIds.Span(span.TraceId.Span, Length(span.TraceId), span.SpanId.Span, Length(span.SpanId), span.ParentSpanId.Span, Length(span.ParentSpanId), out string? repair, out string? rejection) is not { } ids)
                    {
                        issues.Reject(rejection!);
                        continue;
                    }

                    if (repair is not null)
                    {
                        issues.Repair(repair);
                    }

                    spans.Add(new OtlpSpan
                    {
                        TraceId = ids.TraceId,
                        SpanId = ids.SpanId,
                        ParentSpanId = ids.ParentSpanId,
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

        return new OtlpTraceBatch(spans, issues.Rejected, issues.Repaired, issues.Message);
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
        var issues = new BatchIssues();
        foreach (var resourceLogs in request.ResourceLogs)
        {
            AttributeSet resource = ResourceAttributes(resourceLogs.Resource);
            foreach (var scopeLogs in resourceLogs.ScopeLogs)
            {
                foreach (var record in scopeLogs.LogRecords)
                {
                    if (OtlpIds.LogRecord(record.TraceId.Span, Length(record.TraceId), record.SpanId.Span, Length(record.SpanId), out string? repair, out string? rejection) is not { } ids)
                    {
                        issues.Reject(rejection!);
                        continue;
                    }

                    if (repair is not null)
                    {
                        issues.Repair(repair);
                    }

                    records.Add(new OtlpLogRecord
                    {
                        TraceId = ids.TraceId,
                        SpanId = ids.SpanId,
                        TimeUnixNano = record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano,
                        SeverityNumber = (int)record.SeverityNumber,
                        EventName = record.EventName.Length > 0 ? record.EventName : null,
                        Attributes = Attributes(record.Attributes, resource),
                    });
                }
            }
        }

        return new OtlpLogBatch(records, issues.Rejected, issues.Repaired, issues.Message);
    }

    /// <summary>An id's length, or -1 (undecodable) when it is longer than any id is taken.</summary>
    private static int Length(ByteString id) => id.Length > OtlpIds.MaxIdBytes ? -1 : id.Length;

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

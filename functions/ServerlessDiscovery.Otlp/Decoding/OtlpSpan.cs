using System.Globalization;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>OTLP span kinds (values as on the wire).</summary>
public enum OtlpSpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>OTLP status codes (values as on the wire).</summary>
public enum OtlpStatusCode
{
    Unset = 0,
    Ok = 1,
    Error = 2,
}

/// <summary>
/// One span, reduced to what discovery needs. Ids are kept as integers (big-endian reading of the wire bytes);
/// <see cref="ParentSpanId"/> is 0 for a root span.
/// </summary>
public sealed class OtlpSpan
{
    public required UInt128 TraceId { get; init; }

    public required ulong SpanId { get; init; }

    public ulong ParentSpanId { get; init; }

    public required string Name { get; init; }

    public OtlpSpanKind Kind { get; init; }

    public ulong StartTimeUnixNano { get; init; }

    public ulong EndTimeUnixNano { get; init; }

    public OtlpStatusCode StatusCode { get; init; }

    public string? StatusMessage { get; init; }

    /// <summary>The known attributes of the span, falling back to its resource's.</summary>
    public required AttributeSet Attributes { get; init; }

    public string TraceIdHex => TraceId.ToString("x32", CultureInfo.InvariantCulture);

    public string SpanIdHex => SpanId.ToString("x16", CultureInfo.InvariantCulture);

    public string? ParentSpanIdHex => ParentSpanId == 0 ? null : ParentSpanId.ToString("x16", CultureInfo.InvariantCulture);
}

/// <summary>One log record, reduced to what discovery needs. Trace and span ids are 0 when the record has none.</summary>
public sealed class OtlpLogRecord
{
    public UInt128 TraceId { get; init; }

    public ulong SpanId { get; init; }

    public ulong TimeUnixNano { get; init; }

    public int SeverityNumber { get; init; }

    public string? EventName { get; init; }

    /// <summary>The known attributes of the record, falling back to its resource's.</summary>
    public required AttributeSet Attributes { get; init; }
}

/// <summary>
/// The decoded spans of one export request, how many were rejected (undecodable ids) and how many were kept with
/// replaced ids (ids of non-standard length); <paramref name="Message"/> says both, for OTLP partial success.
/// </summary>
public sealed record OtlpTraceBatch(IReadOnlyList<OtlpSpan> Spans, int RejectedSpans, int RepairedSpans, string? Message);

/// <summary>The decoded log records of one export request, with rejections and repairs as in <see cref="OtlpTraceBatch"/>.</summary>
public sealed record OtlpLogBatch(IReadOnlyList<OtlpLogRecord> LogRecords, int RejectedLogRecords, int RepairedLogRecords, string? Message);

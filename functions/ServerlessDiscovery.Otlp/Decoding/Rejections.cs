namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>Counts items dropped from a batch and keeps the first reason, for the partial-success reply.</summary>
internal struct Rejections
{
    public int Count;
    public string? FirstReason;

    public void Add(string reason)
    {
        Count++;
        FirstReason ??= reason;
    }

    public readonly string? Message => Count == 0 ? null : Count == 1 ? FirstReason : $"{FirstReason} ({Count} rejected in total)";
}

/// <summary>Checks of OTLP ids shared by the protobuf and JSON decoders.</summary>
internal static class OtlpIds
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    /// <summary>Why a span's ids make it unusable, or null when they are fine.</summary>
    public static string? SpanIdProblem(int traceIdLength, UInt128 traceId, int spanIdLength, ulong spanId, int parentLength)
    {
        if (traceIdLength != TraceIdLength || traceId == UInt128.Zero)
        {
            return $"span with invalid trace_id ({traceIdLength} bytes; 16 non-zero bytes required)";
        }

        if (spanIdLength != SpanIdLength || spanId == 0)
        {
            return $"span with invalid span_id ({spanIdLength} bytes; 8 non-zero bytes required)";
        }

        return parentLength is 0 or SpanIdLength ? null : $"span with invalid parent_span_id ({parentLength} bytes; 0 or 8 required)";
    }

    /// <summary>Log records may omit ids; when present they must have the right length.</summary>
    public static string? LogIdProblem(int traceIdLength, int spanIdLength) =>
        traceIdLength is not (0 or TraceIdLength) ? $"log record with invalid trace_id ({traceIdLength} bytes; 0 or 16 required)"
        : spanIdLength is not (0 or SpanIdLength) ? $"log record with invalid span_id ({spanIdLength} bytes; 0 or 8 required)"
        : null;
}

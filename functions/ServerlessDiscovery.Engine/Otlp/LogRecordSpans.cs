using ServerlessDiscovery.Otlp.Decoding;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Log records carry the same GenAI attributes as spans (events such as gen_ai.client.inference.operation.details).
/// Each becomes a span-shaped observation that is a child of the span it was logged in, so it is attributed to the
/// same agent whichever request the span itself arrives in.
/// </summary>
internal static class LogRecordSpans
{
    public static IReadOnlyList<OtlpSpan> ToSpans(IReadOnlyList<OtlpLogRecord> records)
    {
        var spans = new List<OtlpSpan>(records.Count);
        foreach (OtlpLogRecord record in records)
        {
            spans.Add(new OtlpSpan
            {
                // A log has no span id of its own; a random one only links it under its parent in the attributor.
#pragma warning disable CA5394
                TraceId = record.TraceId == 0 ? (UInt128)Random.Shared.NextInt64(1, long.MaxValue) : record.TraceId,
                SpanId = (ulong)Random.Shared.NextInt64(1, long.MaxValue),
#pragma warning restore CA5394
                // A span id means nothing without its trace id: such a record stands alone.
                ParentSpanId = record.TraceId == 0 ? 0 : record.SpanId,
                Name = record.EventName ?? "log",
                StartTimeUnixNano = record.TimeUnixNano,
                EndTimeUnixNano = record.TimeUnixNano,
                Attributes = record.Attributes,
            });
        }

        return spans;
    }
}

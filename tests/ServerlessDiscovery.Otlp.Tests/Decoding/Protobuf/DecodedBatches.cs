using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Decoding.Protobuf;

namespace ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf;

/// <summary>
/// Decodes a body with the new reader and with the oracle (<see cref="OtlpProtobufReference"/>: Google.Protobuf's
/// generated parser, then the copying code the reader replaced) and asserts the outcomes are the same: both reject (the
/// reader with <see cref="OtlpFormatException"/>), or both give the same batch. Ids that the oracle replaces with fresh
/// random ones (missing or all-zero ids) differ between any two decodings, so those are compared by kind only.
/// </summary>
internal static class DecodedBatches
{
    /// <summary>Asserts the same outcome; returns false when both rejected the body.</summary>
    public static bool AssertSameTraces(byte[] body) => AssertSame(body, b => OtlpProtobufReference.DecodeTraces(b), b => OtlpProtobufDecoder.DecodeTraces(b), (expected, again, actual) =>
    {
        Assert.Equal(expected.Spans.Count, actual.Spans.Count);
        Assert.Equal(expected.RejectedSpans, actual.RejectedSpans);
        Assert.Equal(expected.RepairedSpans, actual.RepairedSpans);
        Assert.Equal(expected.Message, actual.Message);
        for (int i = 0; i < expected.Spans.Count; i++)
        {
            OtlpSpan e = expected.Spans[i], a = actual.Spans[i];
            AssertSameId(e.TraceId, again.Spans[i].TraceId, a.TraceId);
            AssertSameId(e.SpanId, again.Spans[i].SpanId, a.SpanId);
            Assert.Equal(e.ParentSpanId, a.ParentSpanId);
            Assert.Equal(e.Name, a.Name);
            Assert.Equal(e.Kind, a.Kind);
            Assert.Equal(e.StartTimeUnixNano, a.StartTimeUnixNano);
            Assert.Equal(e.EndTimeUnixNano, a.EndTimeUnixNano);
            Assert.Equal(e.StatusCode, a.StatusCode);
            Assert.Equal(e.StatusMessage, a.StatusMessage);
            AssertSameAttributes(e.Attributes, a.Attributes);
        }
    });

    /// <summary>Asserts the same outcome for a logs body; returns false when both rejected it.</summary>
    public static bool AssertSameLogs(byte[] body) => AssertSame(body, b => OtlpProtobufReference.DecodeLogs(b), b => OtlpProtobufDecoder.DecodeLogs(b), (expected, again, actual) =>
    {
        Assert.Equal(expected.LogRecords.Count, actual.LogRecords.Count);
        Assert.Equal(expected.RejectedLogRecords, actual.RejectedLogRecords);
        Assert.Equal(expected.RepairedLogRecords, actual.RepairedLogRecords);
        Assert.Equal(expected.Message, actual.Message);
        for (int i = 0; i < expected.LogRecords.Count; i++)
        {
            OtlpLogRecord e = expected.LogRecords[i], a = actual.LogRecords[i];
            AssertSameId(e.TraceId, again.LogRecords[i].TraceId, a.TraceId);
            Assert.Equal(e.SpanId, a.SpanId);
            Assert.Equal(e.TimeUnixNano, a.TimeUnixNano);
            Assert.Equal(e.SeverityNumber, a.SeverityNumber);
            Assert.Equal(e.EventName, a.EventName);
            AssertSameAttributes(e.Attributes, a.Attributes);
        }
    });

    /// <summary>Every known attribute, own or from the resource, and how many the item holds itself.</summary>
    public static void AssertSameAttributes(AttributeSet expected, AttributeSet actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (SpanAttribute attribute in Enum.GetValues<SpanAttribute>())
        {
            Assert.Equal(expected.TryGet(attribute, out AttributeValue e), actual.TryGet(attribute, out AttributeValue a));
            Assert.Equal(e, a);
        }
    }

    /// <summary>An id the oracle decodes the same twice is compared exactly; a fresh random one (it differs) only as random in both.</summary>
    private static void AssertSameId<T>(T expected, T expectedAgain, T actual)
        where T : IEquatable<T>
    {
        if (expected.Equals(expectedAgain))
        {
            Assert.Equal(expected, actual);
        }
    }

    /// <summary>
    /// Both reject (the reader with <see cref="OtlpFormatException"/>, nothing else), or <paramref name="compare"/> gets
    /// the oracle's batch, a second decoding of it (to tell random ids) and the reader's.
    /// </summary>
    private static bool AssertSame<T>(byte[] body, Func<byte[], T> oracle, Func<byte[], T> reader, Action<T, T, T> compare)
        where T : class
    {
        T expected;
        try
        {
            expected = oracle(body);
        }
        catch (OtlpFormatException)
        {
            Assert.Throws<OtlpFormatException>(() => reader(body));
            return false;
        }

        compare(expected, oracle(body), reader(body));
        return true;
    }
}

using System.Text;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;

namespace ServerlessDiscovery.Otlp.Tests.Decoding;

public sealed class OtlpDecoderTests
{
    private const string Json = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},
          "scopeSpans":[{"scope":{"name":"s"},"spans":[
            {"traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","parentSpanId":"","name":"chat",
             "kind":"SPAN_KIND_CLIENT","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000001000000000,
             "status":{"code":"STATUS_CODE_ERROR","message":"boom"},
             "attributes":[
               {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}},
               {"key":"gen_ai.usage.input_tokens","value":{"intValue":"42"}},
               {"key":"gen_ai.usage.output_tokens","value":{"int_value":7}},
               {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"doubleValue":"NaN"},{"kvlistValue":{"values":[{"key":"k","value":{"bytesValue":"AQID"}}]}}]}}},
               {"key":"flag","value":{"boolValue":true}}]},
            {"trace_id":"5b8efff798038103d269b633813fc60c","span_id":"0000000000000002","parent_span_id":"eee19b7ec3c1b174","name":"child","kind":3},
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"abcd","name":"short id"},
            {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"not an id","name":"undecodable id"}]}]}]}
        """;

    [Fact]
    public void DecodeTraces_OtlpJson_AcceptsBothNameFormsStringIntsAndEnumNames()
    {
        OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(Json), OtlpEncoding.Json);

        Assert.Equal(3, batch.Spans.Count);
        Assert.Equal(1, batch.RejectedSpans);
        Assert.Equal(1, batch.RepairedSpans);
        Assert.Contains("undecodable span_id", batch.Message, StringComparison.Ordinal);
        Assert.Contains("span_id of 2 bytes", batch.Message, StringComparison.Ordinal);
        OtlpSpan chat = batch.Spans[0];
        Assert.Equal("5b8efff798038103d269b633813fc60c", chat.TraceIdHex);
        Assert.Equal("eee19b7ec3c1b174", chat.SpanIdHex);
        Assert.Null(chat.ParentSpanIdHex);
        Assert.Equal(OtlpSpanKind.Client, chat.Kind);
        Assert.Equal(OtlpStatusCode.Error, chat.StatusCode);
        Assert.Equal("boom", chat.StatusMessage);
        Assert.Equal(1_700_000_000_000_000_000UL, chat.StartTimeUnixNano);
        Assert.Equal(1_700_000_001_000_000_000UL, chat.EndTimeUnixNano);
        Assert.Equal(42, chat.Attributes.Integer(SpanAttribute.GenAiUsageInputTokens));
        Assert.Equal(7, chat.Attributes.Integer(SpanAttribute.GenAiUsageOutputTokens));
        Assert.Equal("svc", chat.Attributes.Text(SpanAttribute.ServiceName));
        OtlpSpan child = batch.Spans[1];
        Assert.Equal(chat.SpanId, child.ParentSpanId);
        Assert.Equal(OtlpSpanKind.Client, child.Kind);
    }

    [Fact]
    public void DecodeLogs_OtlpJson_DecodesRecordsAndRepairsOddIds()
    {
        const string logs = """
            {"resource_logs":[{"scopeLogs":[{"logRecords":[
              {"timeUnixNano":"5","severityNumber":"SEVERITY_NUMBER_WARN2","eventName":"gen_ai.choice","traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
               "body":{"kvlistValue":{"values":[{"key":"a","value":{"stringValue":"b"}}]}},
               "attributes":[{"key":"gen_ai.provider.name","value":{"stringValue":"openai"}}]},
              {"traceId":"00"}]}]}]}
            """;

        OtlpLogBatch batch = OtlpDecoder.DecodeLogs(Encoding.UTF8.GetBytes(logs), OtlpEncoding.Json);

        Assert.Equal(2, batch.LogRecords.Count);
        OtlpLogRecord record = batch.LogRecords[0];
        Assert.Equal(14, record.SeverityNumber);
        Assert.Equal("gen_ai.choice", record.EventName);
        Assert.Equal("openai", record.Attributes.Text(SpanAttribute.GenAiProviderName));
        Assert.Equal(0, batch.RejectedLogRecords);
        Assert.Equal(1, batch.RepairedLogRecords);
        Assert.NotEqual(UInt128.Zero, batch.LogRecords[1].TraceId);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{"resourceSpans":{}}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":5}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"intValue":"x"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"k","value":{"bytesValue":"%%%"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"kind":"SERVER"}]}]}]}""")]
    public void DecodeTraces_MalformedJson_ThrowsOtlpFormatException(string body)
    {
        var ex = Assert.Throws<OtlpFormatException>(() => OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(body), OtlpEncoding.Json));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void DecodeTraces_TruncatedProtobuf_ThrowsOtlpFormatException()
    {
        byte[] body = Spans.Request("svc", Spans.Make(1, 2, 0, "chat", ("gen_ai.request.model", "gpt-4o")));

        Assert.Throws<OtlpFormatException>(() => OtlpDecoder.DecodeTraces(body.AsMemory(0, body.Length - 3), OtlpEncoding.Protobuf));
        Assert.Throws<OtlpFormatException>(() => OtlpDecoder.DecodeTraces(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F }, OtlpEncoding.Protobuf));
    }

    [Fact]
    public void DecodeTraces_ProtobufWithOddIds_KeepsTheSpansWithReplacedIds()
    {
        var shortId = Spans.Make(1, 2, 0, "short span id");
        shortId.SpanId = global::Google.Protobuf.ByteString.CopyFrom(1, 2, 3);
        var noTrace = Spans.Make(1, 3, 0, "no trace");
        noTrace.TraceId = global::Google.Protobuf.ByteString.Empty;
        var tooLong = Spans.Make(1, 5, 0, "33-byte trace id");
        tooLong.TraceId = global::Google.Protobuf.ByteString.CopyFrom(new byte[33]);

        OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(Spans.Request("svc", Spans.Make(1, 4, 0, "good"), shortId, noTrace, tooLong), OtlpEncoding.Protobuf);

        Assert.Equal(["good", "short span id", "no trace"], batch.Spans.Select(s => s.Name));
        Assert.Equal(2, batch.RepairedSpans);
        Assert.Equal(1, batch.RejectedSpans);
        Assert.All(batch.Spans, s => Assert.NotEqual(0UL, s.SpanId));
        Assert.NotEqual(UInt128.Zero, batch.Spans[2].TraceId);
    }

    [Fact]
    public void Responses_PartialSuccess_RoundTripsInBothEncodings()
    {
        var parsed = ExportTraceServiceResponse.Parser.ParseFrom(OtlpResponses.Traces(OtlpEncoding.Protobuf, 3, "bad ids"));
        Assert.Equal(3, parsed.PartialSuccess.RejectedSpans);
        Assert.Equal("bad ids", parsed.PartialSuccess.ErrorMessage);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(OtlpResponses.Traces(OtlpEncoding.Protobuf)).PartialSuccess);
        Assert.Equal("""{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}}""", Encoding.UTF8.GetString(OtlpResponses.Traces(OtlpEncoding.Json, 3, "bad ids")));
        Assert.Equal("{}", Encoding.UTF8.GetString(OtlpResponses.Logs(OtlpEncoding.Json)));
        Assert.Equal("""{"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"x"}}""", Encoding.UTF8.GetString(OtlpResponses.Logs(OtlpEncoding.Json, 1, "x")));
    }

    [Theory]
    [InlineData("application/x-protobuf", OtlpEncoding.Protobuf)]
    [InlineData("application/json; charset=utf-8", OtlpEncoding.Json)]
    [InlineData("text/plain", null)]
    public void EncodingOf_ContentType_MapsOrRejects(string contentType, OtlpEncoding? expected) =>
        Assert.Equal(expected, OtlpDecoder.EncodingOf(contentType));
}

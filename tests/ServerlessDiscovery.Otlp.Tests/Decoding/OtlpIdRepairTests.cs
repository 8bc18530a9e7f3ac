using System.Text;
using ServerlessDiscovery.Otlp.Decoding;

namespace ServerlessDiscovery.Otlp.Tests.Decoding;

/// <summary>
/// Ids of non-standard length (OTLP/HTTP JSON encoding, opentelemetry.io/docs/specs/otlp "JSON Protobuf Encoding":
/// 16-byte trace ids, 8-byte span ids, as hex) are repaired, not rejected: the spans of OpenCITE's own test fixture
/// (LangGuard-AI/open-cite tests/fixtures/send_test_trace.py: trace ids "abc123def456" plus a 4-digit counter, span ids
/// "123456" plus a 4-digit counter) still carry their GenAI attributes. Only ids that decode as neither hex nor base64
/// are rejected, counted in partial success.
/// </summary>
public sealed class OtlpIdRepairTests
{
    /// <summary>Two calls as send_test_trace.py --count 2 sends them (one request per call), plus a child of the first span.</summary>
    private static string OpenCiteFixture(int call, string? parentSpanId = null)
    {
        string ids = parentSpanId is null
            ? $"\"traceId\":\"abc123def456{call:D4}\",\"spanId\":\"123456{call:D4}\""
            : $"\"traceId\":\"abc123def456{call:D4}\",\"spanId\":\"9999990000\",\"parentSpanId\":\"{parentSpanId}\"";
        return """
            {"resourceSpans":[{"resource":{"attributes":[
                {"key":"service.name","value":{"stringValue":"test-tool"}},{"key":"service.version","value":{"stringValue":"1.0.0"}}]},
              "scopeSpans":[{"scope":{"name":"openai","version":"1.0.0"},"spans":[
                {IDS,
                 "name":"chat.completions","kind":"SPAN_KIND_CLIENT",
                 "startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000500000000",
                 "attributes":[
                   {"key":"gen_ai.request.model","value":{"stringValue":"openai/gpt-4"}},
                   {"key":"gen_ai.system","value":{"stringValue":"openrouter"}},
                   {"key":"gen_ai.request.type","value":{"stringValue":"chat"}},
                   {"key":"http.method","value":{"stringValue":"POST"}},
                   {"key":"http.url","value":{"stringValue":"https://openrouter.ai/api/v1/chat/completions"}},
                   {"key":"http.status_code","value":{"intValue":"200"}}],
                 "status":{"code":"STATUS_CODE_OK"}}]}]}]}
            """.Replace("IDS", ids, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeTraces_OpenCiteFixtureIds_SpansKeptWithTheirAttributesAndAWarning()
    {
        OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(OpenCiteFixture(0)), OtlpEncoding.Json);

        OtlpSpan span = Assert.Single(batch.Spans);
        Assert.Equal("openai/gpt-4", span.Attributes.Text(SpanAttribute.GenAiRequestModel));
        Assert.Equal("openrouter", span.Attributes.Text(SpanAttribute.GenAiSystem));
        Assert.Equal("test-tool", span.Attributes.Text(SpanAttribute.ServiceName));
        Assert.Equal(0, batch.RejectedSpans);
        Assert.Equal(1, batch.RepairedSpans);
        Assert.Contains("trace_id of 8 bytes", batch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeTraces_SameOddIdsInTwoRequests_MapToTheSameIds_SoParentsAndChildrenStillMeet()
    {
        OtlpSpan root = Assert.Single(OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(OpenCiteFixture(0)), OtlpEncoding.Json).Spans);
        OtlpSpan child = Assert.Single(OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(OpenCiteFixture(0, parentSpanId: "1234560000")), OtlpEncoding.Json).Spans);
        OtlpSpan otherCall = Assert.Single(OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(OpenCiteFixture(1)), OtlpEncoding.Json).Spans);

        Assert.Equal(root.TraceId, child.TraceId);
        Assert.Equal(root.SpanId, child.ParentSpanId);
        Assert.NotEqual(root.SpanId, child.SpanId);
        Assert.NotEqual(root.TraceId, otherCall.TraceId);
    }

    [Theory]
    [InlineData("traceId", "abc123def456xyz!", "undecodable trace_id")]
    [InlineData("spanId", "12345", "undecodable span_id")]
    [InlineData("parentSpanId", "zz", "undecodable parent_span_id")]
    [InlineData("traceId", "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f00", "undecodable trace_id")]
    public void DecodeTraces_UndecodableId_RejectsThatSpanNamingTheField(string field, string value, string expected)
    {
        string good = """{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"good"}""";
        string bad = field switch
        {
            "traceId" => $$"""{"traceId":"{{value}}","spanId":"eee19b7ec3c1b175","name":"bad"}""",
            "spanId" => $$"""{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"{{value}}","name":"bad"}""",
            _ => $$"""{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b176","parentSpanId":"{{value}}","name":"bad"}""",
        };

        OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes($$"""{"resourceSpans":[{"scopeSpans":[{"spans":[{{good}},{{bad}}]}]}]}"""), OtlpEncoding.Json);

        Assert.Equal("good", Assert.Single(batch.Spans).Name);
        Assert.Equal(1, batch.RejectedSpans);
        Assert.StartsWith("rejected: span with an " + expected, batch.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeTraces_AllZeroIds_EachSpanStandsAlone()
    {
        const string body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"00000000000000000000000000000000","spanId":"0000000000000000","name":"a"},
              {"traceId":"00000000000000000000000000000000","spanId":"0000000000000000","name":"b"}]}]}]}
            """;

        OtlpTraceBatch batch = OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(body), OtlpEncoding.Json);

        Assert.Equal(2, batch.RepairedSpans);
        Assert.NotEqual(batch.Spans[0].TraceId, batch.Spans[1].TraceId);
        Assert.All(batch.Spans, s => Assert.Equal(0UL, s.ParentSpanId));
    }
}

using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ServerlessDiscovery.Otlp.Protocol.Resource;
using ServerlessDiscovery.Otlp.Protocol.Trace;

namespace ServerlessDiscovery.Otlp.Tests.Decoding;

/// <summary>
/// The streaming OTLP/JSON decoder decodes the same data as the protobuf decoder, in every form the proto3 JSON
/// mapping (protobuf.dev, "ProtoJSON Format") and OTLP/HTTP (opentelemetry.io/docs/specs/otlp, "JSON Protobuf
/// Encoding": hex ids, lowerCamelCase) allow: hex or base64 ids, int64 as strings or numbers, enums as names or
/// numbers, lowerCamelCase or proto field names, fields in any order.
/// </summary>
public sealed class OtlpJsonStreamingTests
{
    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    public void DecodeTraces_JsonOfTheSameRequest_EqualsTheProtobufDecode(bool hexIds, bool protoNames, bool enumsAsNumbers)
    {
        ExportTraceServiceRequest request = Request();
        var settings = JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(protoNames).WithFormatEnumsAsIntegers(enumsAsNumbers);
        string json = new JsonFormatter(settings).Format(request);
        if (hexIds)
        {
            json = HexIds(json);
        }

        OtlpTraceBatch fromProtobuf = OtlpDecoder.DecodeTraces(request.ToByteArray(), OtlpEncoding.Protobuf);
        OtlpTraceBatch fromJson = OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(json), OtlpEncoding.Json);

        Assert.Equal(7, fromProtobuf.Spans.Count);
        Assert.Equal(1, fromProtobuf.RepairedSpans);
        Assert.Equal(fromProtobuf.RepairedSpans, fromJson.RepairedSpans);
        Assert.Equal(0, fromJson.RejectedSpans);
        Assert.Equal(fromProtobuf.Spans.Select(Describe), fromJson.Spans.Select(Describe));
    }

    [Fact]
    public void DecodeTraces_ResourceAfterSpans_AndKeyAfterValue_StillApply()
    {
        const string body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"stringValue":"gpt-4o"},"key":"gen_ai.request.model"}],
              "name":"chat","spanId":"eee19b7ec3c1b174","traceId":"5b8efff798038103d269b633813fc60c"}]}],
              "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}}]}
            """;

        OtlpSpan span = Assert.Single(OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(body), OtlpEncoding.Json).Spans);

        Assert.Equal("gpt-4o", span.Attributes.Text(SpanAttribute.GenAiRequestModel));
        Assert.Equal("late", span.Attributes.Text(SpanAttribute.ServiceName));
    }

    [Theory]
    [InlineData("""{"resourceSpans":[]} {}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":"\ud800"}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"\udc00x"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[{"value":{"stringValue":"x"}}]}]}]}]}""")]
    [InlineData("""{"resourceSpans":[{"resource":null}]}""")]
    [InlineData("")]
    public void DecodeTraces_BadInput_ThrowsOtlpFormatException(string body)
    {
        Assert.Throws<OtlpFormatException>(() => OtlpDecoder.DecodeTraces(Encoding.UTF8.GetBytes(body), OtlpEncoding.Json));
    }

    [Fact]
    public void DecodeTraces_InvalidUtf8InAString_ThrowsOtlpFormatException()
    {
        byte[] body = [.. """{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":" """u8, 0xC3, 0x28, .. "\"}]}]}]}"u8];

        Assert.Throws<OtlpFormatException>(() => OtlpDecoder.DecodeTraces(body, OtlpEncoding.Json));
    }

    private static ExportTraceServiceRequest Request()
    {
        var request = new ExportTraceServiceRequest();
        for (int r = 0; r < 2; r++)
        {
            var resource = new Resource();
            resource.Attributes.Add(Spans.Kv("service.name", $"svc-{r}"));
            resource.Attributes.Add(Spans.Kv("gen_ai.agent.name", $"agent-{r}"));
            var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "scope", Version = "1" } };
            for (int i = 0; i < 3; i++)
            {
                Span span = Spans.Make((ulong)(100 + r), (ulong)(10 * r + i + 1), i == 0 ? 0UL : (ulong)(10 * r + 1), $"chat {r}-{i}",
                    ("gen_ai.operation.name", "chat"),
                    ("gen_ai.provider.name", "openai"),
                    ("gen_ai.request.model", $"model-{i}"),
                    ("gen_ai.usage.input_tokens", (long)(1000 * i + 7)),
                    ("gen_ai.usage.output_tokens", i),
                    ("server.port", 443L),
                    ("gen_ai.request.temperature", 0.25 * i),
                    ("stream", i % 2 == 0),
                    ("unicode", "naïve ✓ \"quoted\" \\ / \u0001"));
                span.Kind = (Span.Types.SpanKind)(i + 1);
                span.Status = new Status { Code = (Status.Types.StatusCode)(i % 3), Message = i == 2 ? "failed: ✗" : string.Empty };
                span.Attributes.Add(new KeyValue
                {
                    Key = "nested",
                    Value = new AnyValue
                    {
                        ArrayValue = new ArrayValue
                        {
                            Values =
                            {
                                new AnyValue { StringValue = "a" },
                                new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) },
                                new AnyValue { KvlistValue = new KeyValueList { Values = { Spans.Kv("k", 1L) } } },
                            },
                        },
                    },
                });
                span.Events.Add(new Span.Types.Event { Name = "gen_ai.choice", TimeUnixNano = 5 });
                scope.Spans.Add(span);
            }

            if (r == 1)
            {
                // A span id of non-standard length: kept, with the same replacement id from either encoding.
                Span odd = Spans.Make(7, 0, 0, "odd span id");
                odd.SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5);
                scope.Spans.Add(odd);
            }

            var resourceSpans = new ResourceSpans { Resource = resource };
            resourceSpans.ScopeSpans.Add(scope);
            request.ResourceSpans.Add(resourceSpans);
        }

        return request;
    }

    /// <summary>The OTLP/HTTP JSON form of ids: the proto3 mapping's base64 rewritten as lower-case hex.</summary>
    private static string HexIds(string json)
    {
        JsonNode root = JsonNode.Parse(json)!;
        foreach (JsonObject span in (root["resourceSpans"] ?? root["resource_spans"])!.AsArray().SelectMany(r => (r!["scopeSpans"] ?? r["scope_spans"])!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Select(s => s!.AsObject()))
        {
            foreach (string name in (string[])["traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id"])
            {
                if (span[name] is JsonValue value && value.GetValue<string>() is { Length: > 0 } base64)
                {
                    span[name] = Convert.ToHexStringLower(Convert.FromBase64String(base64));
                }
            }
        }

        return root.ToJsonString();
    }

    private static string Describe(OtlpSpan span)
    {
        var text = new StringBuilder()
            .Append(span.TraceIdHex).Append('|').Append(span.SpanIdHex).Append('|').Append(span.ParentSpanIdHex).Append('|')
            .Append(span.Name).Append('|').Append(span.Kind).Append('|').Append(span.StartTimeUnixNano).Append('|').Append(span.EndTimeUnixNano).Append('|')
            .Append(span.StatusCode).Append('|').Append(span.StatusMessage);
        foreach (SpanAttribute attribute in Enum.GetValues<SpanAttribute>())
        {
            if (span.Attributes.TryGet(attribute, out AttributeValue value))
            {
                text.Append('|').Append(attribute).Append('=').Append(value.IsInteger ? "i:" : "s:").Append(value.AsText());
            }
        }

        return text.ToString();
    }
}

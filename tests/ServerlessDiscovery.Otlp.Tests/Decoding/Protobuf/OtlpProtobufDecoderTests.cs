using System.Text;
using Google.Protobuf;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Decoding.Protobuf;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;
using ServerlessDiscovery.Otlp.Protocol.Common;
using ServerlessDiscovery.Otlp.Protocol.Trace;
using W = ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf.WireWriter;

namespace ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf;

/// <summary>
/// The wire reader against the oracle it replaced (<see cref="OtlpProtobufReference"/>: Google.Protobuf's generated
/// parser for the OTLP protos, then the copying code): seeded random requests (<see cref="OtlpRequestGenerator"/>)
/// decode to the same batches, and damaged ones (every truncation, bit flips) either decode the same or are rejected
/// by both, the reader always with <see cref="OtlpFormatException"/>. Semantics follow the protobuf encoding spec
/// (https://protobuf.dev/programming-guides/encoding/: "Last One Wins", merging of embedded messages, groups).
/// </summary>
public sealed class OtlpProtobufDecoderTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 40)];

    // The damage tests start from bodies that decode (seeds that are not multiples of 4: no invalid UTF-8).

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DecodeTraces_GeneratedRequest_SameBatchAsTheGeneratedParser(int seed)
    {
        for (int i = 0; i < 25; i++)
        {
            var generator = new OtlpRequestGenerator((seed * 100) + i);
            Assert.True(DecodedBatches.AssertSameTraces(generator.Traces()) || generator.InvalidUtf8);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void DecodeLogs_GeneratedRequest_SameBatchAsTheGeneratedParser(int seed)
    {
        for (int i = 0; i < 25; i++)
        {
            var generator = new OtlpRequestGenerator((seed * 100) + i);
            Assert.True(DecodedBatches.AssertSameLogs(generator.Logs()) || generator.InvalidUtf8);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void DecodeTraces_EveryTruncation_SameOutcomeAsTheGeneratedParser(int seed)
    {
        byte[] body = new OtlpRequestGenerator(seed).Traces(2);
        int accepted = 0;
        for (int length = 0; length < body.Length; length++)
        {
            accepted += DecodedBatches.AssertSameTraces(body[..length]) ? 1 : 0;
        }

        // Cutting between top-level fields leaves a valid shorter request; most cuts do not.
        Assert.InRange(accepted, 1, body.Length - 1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DecodeLogs_EveryTruncation_SameOutcomeAsTheGeneratedParser(int seed)
    {
        byte[] body = new OtlpRequestGenerator(seed).Logs(2);
        for (int length = 0; length < body.Length; length++)
        {
            DecodedBatches.AssertSameLogs(body[..length]);
        }
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void DecodeTraces_EveryBitFlipped_SameOutcomeAsTheGeneratedParser(int seed)
    {
        byte[] body = new OtlpRequestGenerator(seed).Traces(2);
        int rejected = 0;
        for (int i = 0; i < body.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])body.Clone();
                flipped[i] ^= (byte)(1 << bit);
                rejected += DecodedBatches.AssertSameTraces(flipped) ? 0 : 1;
            }
        }

        Assert.InRange(rejected, 1, (body.Length * 8) - 1);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(10)]
    public void DecodeLogs_EveryBitFlipped_SameOutcomeAsTheGeneratedParser(int seed)
    {
        byte[] body = new OtlpRequestGenerator(seed).Logs(2);
        for (int i = 0; i < body.Length; i++)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] flipped = (byte[])body.Clone();
                flipped[i] ^= (byte)(1 << bit);
                DecodedBatches.AssertSameLogs(flipped);
            }
        }
    }

    [Fact]
    public void DecodeTraces_ResourceAfterItsScopes_SpanAttributesStillFallBackToIt()
    {
        byte[] body = Request(
            new W().Message(2, new W().Message(2, Span("chat", ("gen_ai.request.model", "gpt-4o")))),
            new W().Message(1, new W().Message(1, Kv("service.name", "svc"))));

        OtlpSpan span = Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans);
        Assert.Equal("svc", span.Attributes.Text(SpanAttribute.ServiceName));
        Assert.Equal("gpt-4o", span.Attributes.Text(SpanAttribute.GenAiRequestModel));
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    [Fact]
    public void DecodeTraces_ResourceTwice_AttributesConcatenateAndTheLaterValueWins()
    {
        byte[] body = Request(
            new W().Message(1, new W().Message(1, Kv("service.name", "first")).Message(1, Kv("gen_ai.system", "openai"))),
            new W().Message(2, new W().Message(2, Span("chat"))),
            new W().Message(1, new W().Message(1, Kv("service.name", "second"))));

        OtlpSpan span = Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans);
        Assert.Equal("second", span.Attributes.Text(SpanAttribute.ServiceName));
        Assert.Equal("openai", span.Attributes.Text(SpanAttribute.GenAiSystem));
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    [Fact]
    public void DecodeTraces_StatusTwice_CodeAndMessageEachKeepTheirLastValue()
    {
        W span = Span("chat")
            .Message(15, new W().Bytes(2, Encoding.UTF8.GetBytes("timeout")).VarintField(3, 2))
            .Message(15, new W().VarintField(3, 1));
        byte[] body = Request(new W().Message(2, new W().Message(2, span)));

        OtlpSpan decoded = Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans);
        Assert.Equal(OtlpStatusCode.Ok, decoded.StatusCode);
        Assert.Equal("timeout", decoded.StatusMessage);
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    [Fact]
    public void DecodeTraces_KnownFieldWithAnotherWireType_IsAnUnknownFieldAndSkipped()
    {
        // name (5) as a varint and attributes (9) as a fixed32 are unknown fields to the generated parser too.
        W span = Span("chat", ("gen_ai.system", "openai")).VarintField(5, 7).Fixed32(9, 1).Fixed64(6, 3);
        byte[] body = Request(new W().Message(2, new W().Message(2, span)));

        OtlpSpan decoded = Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans);
        Assert.Equal("chat", decoded.Name);
        Assert.Equal(OtlpSpanKind.Client, decoded.Kind);
        Assert.Equal("openai", decoded.Attributes.Text(SpanAttribute.GenAiSystem));
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    /// <summary>Google.Protobuf 3.36 rejects a message with a string field that is not UTF-8 ("String is invalid UTF-8."), wherever the string is.</summary>
    [Theory]
    [InlineData(new byte[] { 0x67, 0x70, 0x74, 0xFF })]
    [InlineData(new byte[] { 0xC0, 0xAF })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 0xE2, 0x82 })]
    public void DecodeTraces_StringNotUtf8_RejectedAsByTheGeneratedParser(byte[] invalid)
    {
        W value = new W().Bytes(1, invalid);
        W[] spans =
        [
            Span("chat").Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.request.model")).Message(2, value)),
            Span("chat").Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("http.method")).Message(2, value)),
            Span("chat").Message(9, new W().Bytes(1, invalid).Message(2, new W().Bytes(1, [0x61]))),
            Span("chat").Bytes(5, invalid),
            Span("chat").Bytes(3, invalid),
            Span("chat").Message(11, new W().Bytes(2, invalid)),
            Span("chat").Message(13, new W().Message(4, new W().Bytes(1, [0x61]).Message(2, new W().Message(5, new W().Message(1, value))))),
            Span("chat").Message(15, new W().Bytes(2, invalid)),
        ];
        foreach (W span in spans)
        {
            byte[] body = Request(new W().Message(2, new W().Message(2, span)));
            var ex = Assert.Throws<OtlpFormatException>(() => OtlpProtobufDecoder.DecodeTraces(body));
            Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
            Assert.False(DecodedBatches.AssertSameTraces(body));
        }

        // Bytes fields and unknown fields are not strings.
        W accepted = Span("chat").Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("x")).Message(2, new W().Bytes(7, invalid))).Bytes(500, invalid).Message(13, new W().Bytes(1, invalid));
        Assert.True(DecodedBatches.AssertSameTraces(Request(new W().Message(2, new W().Message(2, accepted)))));
    }

    [Fact]
    public void DecodeTraces_ScalarsUnderKnownKeys_FormattedAsTheGeneratedPathFormatsThem()
    {
        W span = Span("chat")
            .Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.usage.input_tokens")).Message(2, new W().VarintField(3, unchecked((ulong)-5L))))
            .Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.system")).Message(2, new W().Fixed64(4, (ulong)BitConverter.DoubleToInt64Bits(0.1))))
            .Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.agent.name")).Message(2, new W().VarintField(2, 2)))
            .Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.tool.name")).Message(2, new W().Bytes(1, Encoding.UTF8.GetBytes("t")).Message(5, new W())));
        byte[] body = Request(new W().Message(2, new W().Message(2, span)));

        AttributeSet attributes = Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans).Attributes;
        Assert.Equal(-5, attributes.Integer(SpanAttribute.GenAiUsageInputTokens));
        Assert.Equal("0.1", attributes.Text(SpanAttribute.GenAiSystem));
        Assert.Equal("true", attributes.Text(SpanAttribute.GenAiAgentName));
        Assert.Null(attributes.Text(SpanAttribute.GenAiToolName)); // the array set last wins the oneof
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    [Fact]
    public void DecodeTraces_UnknownGroupsNestedInASpan_Skipped()
    {
        W span = Span("chat", ("gen_ai.system", "openai"))
            .Tag(200, W.StartGroup).VarintField(1, 5).Tag(201, W.StartGroup).Bytes(2, [1, 2]).Tag(201, W.EndGroup).Tag(200, W.EndGroup);
        byte[] body = Request(new W().Message(2, new W().Message(2, span)));

        Assert.Equal("openai", Assert.Single(OtlpProtobufDecoder.DecodeTraces(body).Spans).Attributes.Text(SpanAttribute.GenAiSystem));
        Assert.True(DecodedBatches.AssertSameTraces(body));
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F }, "past the end")]
    [InlineData(new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "negative length")]
    [InlineData(new byte[] { 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "longer than 10 bytes")]
    [InlineData(new byte[] { 0x08, 0x80 }, "truncated varint")]
    [InlineData(new byte[] { 0x02, 0x00 }, "field number of 0")]
    [InlineData(new byte[] { 0x0E }, "invalid wire type 6")]
    [InlineData(new byte[] { 0x0F }, "invalid wire type 7")]
    [InlineData(new byte[] { 0x0C }, "end-group tag (field 1) without its start-group")]
    [InlineData(new byte[] { 0x0B, 0x10, 0x01 }, "without its end-group tag")]
    [InlineData(new byte[] { 0x0B, 0x14 }, "end-group tag for field 2 closing the group of field 1")]
    [InlineData(new byte[] { 0x09, 0x01, 0x02 }, "truncated fixed64")]
    [InlineData(new byte[] { 0x0D, 0x01 }, "truncated fixed32")]
    public void DecodeTraces_MalformedBody_OtlpFormatExceptionNamingTheProblemAndWhere(byte[] body, string problem)
    {
        var ex = Assert.Throws<OtlpFormatException>(() => OtlpProtobufDecoder.DecodeTraces(body));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains("ExportTraceServiceRequest", ex.Message, StringComparison.Ordinal);
        Assert.Contains(" at byte ", ex.Message, StringComparison.Ordinal);
        Assert.False(DecodedBatches.AssertSameTraces(body));
    }

    [Fact]
    public void DecodeTraces_ErrorInANestedMessage_NamesItsOffsetInTheBody()
    {
        // resource_spans { scope_spans { spans { 0x0E } } }: the bad tag is the body's 7th byte.
        byte[] body = [0x0A, 0x05, 0x12, 0x03, 0x12, 0x01, 0x0E];

        var ex = Assert.Throws<OtlpFormatException>(() => OtlpProtobufDecoder.DecodeTraces(body));
        Assert.EndsWith("at byte 6.", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Request, resource_spans, scope_spans, span, attribute and its value are 6 levels; each array adds two (ArrayValue,
    /// AnyValue), so 47 arrays reach level 99 of Google.Protobuf's 100 and 48 exceed it.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(46)]
    [InlineData(47)]
    [InlineData(48)]
    [InlineData(49)]
    [InlineData(200)]
    public void DecodeTraces_ArraysNestedNearTheRecursionLimit_AcceptedOrRejectedAsTheGeneratedParserDoes(int depth)
    {
        W value = new W().Bytes(1, Encoding.UTF8.GetBytes("deep"));
        for (int i = 0; i < depth; i++)
        {
            value = new W().Message(5, new W().Message(1, value));
        }

        W span = Span("chat", ("gen_ai.system", "openai")).Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.tool.name")).Message(2, value));
        Assert.Equal(depth <= 47, DecodedBatches.AssertSameTraces(Request(new W().Message(2, new W().Message(2, span)))));
    }

    /// <summary>Groups nest like messages: inside a span (level 3), 97 nested groups reach level 100 and 98 exceed it.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(96)]
    [InlineData(97)]
    [InlineData(98)]
    [InlineData(99)]
    [InlineData(300)]
    public void DecodeTraces_GroupsNestedNearTheRecursionLimit_AcceptedOrRejectedAsTheGeneratedParserDoes(int depth)
    {
        var span = Span("chat");
        for (int i = 0; i < depth; i++)
        {
            span.Tag(300, W.StartGroup);
        }

        for (int i = 0; i < depth; i++)
        {
            span.Tag(300, W.EndGroup);
        }

        Assert.Equal(depth <= 97, DecodedBatches.AssertSameTraces(Request(new W().Message(2, new W().Message(2, span)))));
    }

    [Fact]
    public void DecodeTraces_RequestBuiltWithTheGeneratedMessages_SameBatch()
    {
        var span = Spans.Make(1, 2, 3, "chat", ("gen_ai.system", "openai"), ("gen_ai.usage.input_tokens", 12L), ("server.port", 443), ("x", true));
        span.Events.Add(new Span.Types.Event { Name = "e", Attributes = { Spans.Kv("gen_ai.system", "other") } });
        span.Links.Add(new Span.Types.Link { TraceId = ByteString.CopyFrom(new byte[16]), SpanId = ByteString.CopyFrom(new byte[8]) });
        span.Status = new Status { Code = Status.Types.StatusCode.Error, Message = "boom" };
        var request = ExportTraceServiceRequest.Parser.ParseFrom(Spans.Request("svc", span, Spans.Make(1, 4, 2, "tool", ("gen_ai.tool.name", "search"))));
        request.ResourceSpans[0].ScopeSpans[0].Scope = new InstrumentationScope { Name = "s", Attributes = { Spans.Kv("k", 1.5) } };

        Assert.True(DecodedBatches.AssertSameTraces(request.ToByteArray()));
        OtlpTraceBatch batch = OtlpProtobufDecoder.DecodeTraces(request.ToByteArray());
        Assert.Equal(2, batch.Spans.Count);
        Assert.Equal("openai", batch.Spans[0].Attributes.Text(SpanAttribute.GenAiSystem));
        Assert.Equal(OtlpStatusCode.Error, batch.Spans[0].StatusCode);
        Assert.Equal("svc", batch.Spans[1].Attributes.Text(SpanAttribute.ServiceName));
    }

    /// <summary>What discovery does not read costs no allocation: unknown keys and their values, events, links, scope attributes, arrays, unknown fields.</summary>
    [Fact]
    public void DecodeTraces_WhatIsNotRead_AllocatesNothing()
    {
        W Known() => Span("chat", ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"));
        W withExtras = Known();
        for (int i = 0; i < 50; i++)
        {
            withExtras.Message(9, Kv($"http.attribute.{i}", $"value {i}"));
        }

        withExtras
            .Message(9, new W().Bytes(1, Encoding.UTF8.GetBytes("gen_ai.tool.name")).Message(2, new W().Message(5, new W().Message(1, new W().Bytes(1, [0x61])))))
            .Message(11, new W().Bytes(2, Encoding.UTF8.GetBytes("event")).Message(3, Kv("gen_ai.system", "x")))
            .Message(13, new W().Bytes(1, new byte[16]).Message(4, Kv("k", "v")))
            .Bytes(3, Encoding.UTF8.GetBytes("vendor=1")).VarintField(400, 5).Fixed64(401, 6).Tag(402, W.StartGroup).Bytes(1, [1]).Tag(402, W.EndGroup);
        W scope = new W().Bytes(1, Encoding.UTF8.GetBytes("scope")).Message(3, Kv("k", "v"));
        byte[] plain = Request(new W().Message(2, new W().Message(2, Known())));
        byte[] extras = Request(new W().Message(2, new W().Message(1, scope).Message(2, withExtras)));

        Assert.Equal(Allocated(plain), Allocated(extras));
        Assert.True(DecodedBatches.AssertSameTraces(extras));
    }

    private static long Allocated(byte[] body)
    {
        OtlpProtobufDecoder.DecodeTraces(body);
        long before = GC.GetAllocatedBytesForCurrentThread();
        OtlpProtobufDecoder.DecodeTraces(body);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void TryGet_Utf8Key_FindsEveryKnownKeyAndNoOther()
    {
        foreach (SpanAttribute attribute in Enum.GetValues<SpanAttribute>())
        {
            string key = SpanAttributeKeys.KeyOf(attribute);
            Assert.True(System.Text.Ascii.IsValid(key), key);
            Assert.True(SpanAttributeKeys.TryGet(Encoding.UTF8.GetBytes(key), out SpanAttribute found));
            Assert.Equal(attribute, found);
            Assert.False(SpanAttributeKeys.TryGet(Encoding.UTF8.GetBytes(key + "x"), out _));
            Assert.False(SpanAttributeKeys.TryGet(Encoding.UTF8.GetBytes(key.ToUpperInvariant()), out _));
        }

        Assert.False(SpanAttributeKeys.TryGet([], out _));
        Assert.False(SpanAttributeKeys.TryGet(new byte[SpanAttributeKeys.MaxKeyLength + 1], out _));
        Assert.False(SpanAttributeKeys.TryGet([0x6D, 0x6F, 0x64, 0x65, 0xEC], out _)); // "mode" + a non-ASCII byte
    }

    private static byte[] Request(params W[] resourceSpansFields)
    {
        var resourceSpans = new W();
        foreach (W field in resourceSpansFields)
        {
            resourceSpans.Raw(field.ToArray());
        }

        return new W().Message(1, resourceSpans).ToArray();
    }

    private static W Span(string name, params (string Key, string Value)[] attributes)
    {
        var span = new W()
            .Bytes(1, Enumerable.Range(1, 16).Select(i => (byte)i).ToArray())
            .Bytes(2, Enumerable.Range(1, 8).Select(i => (byte)i).ToArray())
            .Bytes(5, Encoding.UTF8.GetBytes(name))
            .VarintField(6, 3);
        foreach ((string key, string value) in attributes)
        {
            span.Message(9, Kv(key, value));
        }

        return span;
    }

    private static W Kv(string key, string value) =>
        new W().Bytes(1, Encoding.UTF8.GetBytes(key)).Message(2, new W().Bytes(1, Encoding.UTF8.GetBytes(value)));
}

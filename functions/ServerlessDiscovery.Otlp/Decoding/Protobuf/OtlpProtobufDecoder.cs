using System.Globalization;
using Fields = ServerlessDiscovery.Otlp.Decoding.Protobuf.OtlpProtoFields;

namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>
/// OTLP/HTTP binary protobuf (application/x-protobuf) into the internal model, read straight from the body's bytes
/// (<see cref="ProtobufWireReader"/>): only what discovery reads becomes objects (a span or log record, its name, the
/// values of known attribute keys, each distinct short value once per request); everything else is walked over in
/// place. The generated code's semantics (<see cref="OtlpProtobufReference"/>; protobuf encoding spec, "Last One Wins"
/// and "Repeated Elements"; the OTLP protos in <c>Protos/</c>) are kept where they can be observed: repeated fields
/// concatenate, a message field sent twice merges (a resource's attributes concatenate, a status's code and message
/// each keep their last value), the last scalar wins, a field with an unexpected wire type is an unknown field,
/// undefined span kinds and status codes read as unspecified and unset. The messages discovery does not read (scopes,
/// events, links, arrays, maps) are still checked as the generated parser checks them (structure, UTF-8 strings,
/// nesting), so a body it rejects is rejected here too.
/// </summary>
internal static class OtlpProtobufDecoder
{
    public static OtlpTraceBatch DecodeTraces(ReadOnlySpan<byte> body)
    {
        var spans = new SpanReader();
        ReadRequest(new ProtobufWireReader(body, "ExportTraceServiceRequest"), spans);
        return new OtlpTraceBatch(spans.Spans, spans.Issues.Rejected, spans.Issues.Repaired, spans.Issues.Message);
    }

    public static OtlpLogBatch DecodeLogs(ReadOnlySpan<byte> body)
    {
        var records = new LogRecordReader();
        ReadRequest(new ProtobufWireReader(body, "ExportLogsServiceRequest"), records);
        return new OtlpLogBatch(records.Records, records.Issues.Rejected, records.Issues.Repaired, records.Issues.Message);
    }

    /// <summary>An export request: resource_spans or resource_logs, each a resource and scopes of items.</summary>
    private static void ReadRequest(ProtobufWireReader request, ItemReader items)
    {
        while (request.TryReadTag(out int field, out WireType wireType))
        {
            if (field == Fields.ExportServiceRequest.ResourceItems && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader resourceItems = request.ReadMessage();
                ReadResourceItems(ref resourceItems, items);
            }
            else
            {
                request.Skip(field, wireType);
            }
        }
    }

    private static void ReadResourceItems(ref ProtobufWireReader resourceItems, ItemReader items)
    {
        // The items keep a reference to the resource's set, so a resource sent after its scopes still applies.
        var resource = new AttributeSet(null);
        while (resourceItems.TryReadTag(out int field, out WireType wireType))
        {
            if (field == Fields.ResourceItems.Resource && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader message = resourceItems.ReadMessage();
                ReadResource(ref message, resource, items.Strings);
            }
            else if (field == Fields.ResourceItems.ScopeItems && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader scopeItems = resourceItems.ReadMessage();
                ReadScopeItems(ref scopeItems, resource, items);
            }
            else if (field == Fields.ResourceItems.SchemaUrl && wireType == WireType.LengthDelimited)
            {
                resourceItems.ReadString();
            }
            else
            {
                resourceItems.Skip(field, wireType);
            }
        }
    }

    private static void ReadResource(ref ProtobufWireReader resource, AttributeSet attributes, RequestStrings strings)
    {
        while (resource.TryReadTag(out int field, out WireType wireType))
        {
            if (field == Fields.Resource.Attributes && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader keyValue = resource.ReadMessage();
                ReadAttribute(ref keyValue, attributes, strings);
            }
            else
            {
                resource.Skip(field, wireType);
            }
        }
    }

    private static void ReadScopeItems(ref ProtobufWireReader scopeItems, AttributeSet resource, ItemReader items)
    {
        while (scopeItems.TryReadTag(out int field, out WireType wireType))
        {
            if (field == Fields.ScopeItems.Scope && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader scope = scopeItems.ReadMessage();
                SkippedMessages.Walk(ref scope, SkippedMessage.InstrumentationScope);
            }
            else if (field == Fields.ScopeItems.Items && wireType == WireType.LengthDelimited)
            {
                ProtobufWireReader item = scopeItems.ReadMessage();
                items.Read(ref item, resource);
            }
            else if (field == Fields.ScopeItems.SchemaUrl && wireType == WireType.LengthDelimited)
            {
                scopeItems.ReadString();
            }
            else
            {
                scopeItems.Skip(field, wireType);
            }
        }
    }

    /// <summary>A KeyValue into <paramref name="attributes"/> when its key is known and its value a scalar.</summary>
    private static void ReadAttribute(ref ProtobufWireReader keyValue, AttributeSet attributes, RequestStrings strings)
    {
        scoped ReadOnlySpan<byte> key = default;
        var value = default(ScalarValue);
        while (keyValue.TryReadTag(out int field, out WireType wireType))
        {
            if (field == Fields.KeyValue.Key && wireType == WireType.LengthDelimited)
            {
                key = keyValue.ReadString();
            }
            else if (field == Fields.KeyValue.Value && wireType == WireType.LengthDelimited)
            {
                // A value sent twice merges: the oneof member set last wins.
                ProtobufWireReader anyValue = keyValue.ReadMessage();
                value.Read(ref anyValue);
            }
            else
            {
                keyValue.Skip(field, wireType);
            }
        }

        if (SpanAttributeKeys.TryGet(key, out SpanAttribute attribute) && value.ToAttributeValue(strings) is { } scalar)
        {
            attributes.Set(attribute, scalar);
        }
    }

    /// <summary>An id's length, or -1 (undecodable) when it is longer than any id is taken.</summary>
    private static int IdLength(ReadOnlySpan<byte> id) => id.Length > OtlpIds.MaxIdBytes ? -1 : id.Length;

    /// <summary>The items of one signal (spans or log records) in a scope, read into the batch.</summary>
    private abstract class ItemReader
    {
        public BatchIssues Issues;

        /// <summary>The request's strings, shared between its items.</summary>
        public RequestStrings Strings { get; } = new();

        /// <summary>Collects an item's attributes, which then move to a set of their exact size.</summary>
        protected AttributeSet Scratch { get; } = new(null);

        public abstract void Read(ref ProtobufWireReader item, AttributeSet resource);
    }

    /// <summary>
    /// The scalar an AnyValue holds, kept as wire bytes until its key is known: <see cref="Member"/> is the field number
    /// of the oneof member seen last (0 for none).
    /// </summary>
    private ref struct ScalarValue
    {
        public int Member;
        public ReadOnlySpan<byte> Text;
        public ulong Bits;

        public void Read(ref ProtobufWireReader anyValue)
        {
            while (anyValue.TryReadTag(out int field, out WireType wireType))
            {
                switch (field, wireType)
                {
                    case (Fields.AnyValue.StringValue, WireType.LengthDelimited):
                        Text = anyValue.ReadString();
                        break;
                    case (Fields.AnyValue.BytesValue, WireType.LengthDelimited):
                        anyValue.ReadLengthDelimited();
                        break;
                    case (Fields.AnyValue.BoolValue, WireType.Varint):
                    case (Fields.AnyValue.IntValue, WireType.Varint):
                        Bits = anyValue.ReadVarint();
                        break;
                    case (Fields.AnyValue.DoubleValue, WireType.Fixed64):
                        Bits = anyValue.ReadFixed64();
                        break;
                    case (Fields.AnyValue.ArrayValue, WireType.LengthDelimited):
                        ProtobufWireReader array = anyValue.ReadMessage();
                        SkippedMessages.Walk(ref array, SkippedMessage.ArrayValue);
                        break;
                    case (Fields.AnyValue.KvlistValue, WireType.LengthDelimited):
                        ProtobufWireReader kvlist = anyValue.ReadMessage();
                        SkippedMessages.Walk(ref kvlist, SkippedMessage.KeyValueList);
                        break;
                    default:
                        anyValue.Skip(field, wireType);
                        continue;
                }

                Member = field;
            }
        }

        /// <summary>Known keys are scalars; an array, map or bytes under a known key is not something any rule reads.</summary>
        public readonly AttributeValue? ToAttributeValue(RequestStrings strings) => Member switch
        {
            Fields.AnyValue.StringValue => AttributeValue.FromText(strings.Get(Text)),
            Fields.AnyValue.IntValue => AttributeValue.FromInteger((long)Bits),
            Fields.AnyValue.BoolValue => AttributeValue.FromText(Bits != 0 ? "true" : "false"),
            Fields.AnyValue.DoubleValue => AttributeValue.FromText(BitConverter.UInt64BitsToDouble(Bits).ToString("R", CultureInfo.InvariantCulture)),
            _ => null,
        };
    }

    private sealed class SpanReader : ItemReader
    {
        public List<OtlpSpan> Spans { get; } = [];

        public override void Read(ref ProtobufWireReader span, AttributeSet resource)
        {
            scoped ReadOnlySpan<byte> traceId = default, spanId = default, parentSpanId = default, name = default, statusMessage = default;
            uint kind = 0, statusCode = 0;
            ulong start = 0, end = 0;
            Scratch.Clear();
            while (span.TryReadTag(out int field, out WireType wireType))
            {
                switch (field, wireType)
                {
                    case (Fields.Span.TraceId, WireType.LengthDelimited):
                        traceId = span.ReadLengthDelimited();
                        break;
                    case (Fields.Span.SpanId, WireType.LengthDelimited):
                        spanId = span.ReadLengthDelimited();
                        break;
                    case (Fields.Span.ParentSpanId, WireType.LengthDelimited):
                        parentSpanId = span.ReadLengthDelimited();
                        break;
                    case (Fields.Span.Name, WireType.LengthDelimited):
                        name = span.ReadString();
                        break;
                    case (Fields.Span.TraceState, WireType.LengthDelimited):
                        span.ReadString();
                        break;
                    case (Fields.Span.Kind, WireType.Varint):
                        kind = (uint)span.ReadVarint();
                        break;
                    case (Fields.Span.StartTimeUnixNano, WireType.Fixed64):
                        start = span.ReadFixed64();
                        break;
                    case (Fields.Span.EndTimeUnixNano, WireType.Fixed64):
                        end = span.ReadFixed64();
                        break;
                    case (Fields.Span.Attributes, WireType.LengthDelimited):
                        ProtobufWireReader keyValue = span.ReadMessage();
                        ReadAttribute(ref keyValue, Scratch, Strings);
                        break;
                    case (Fields.Span.Events, WireType.LengthDelimited):
                        ProtobufWireReader spanEvent = span.ReadMessage();
                        SkippedMessages.Walk(ref spanEvent, SkippedMessage.Event);
                        break;
                    case (Fields.Span.Links, WireType.LengthDelimited):
                        ProtobufWireReader link = span.ReadMessage();
                        SkippedMessages.Walk(ref link, SkippedMessage.Link);
                        break;
                    case (Fields.Span.Status, WireType.LengthDelimited):
                        // A status sent twice merges: its code and message each keep their last value.
                        ProtobufWireReader status = span.ReadMessage();
                        while (status.TryReadTag(out int statusField, out WireType statusWireType))
                        {
                            switch (statusField, statusWireType)
                            {
                                case (Fields.Status.Message, WireType.LengthDelimited):
                                    statusMessage = status.ReadString();
                                    break;
                                case (Fields.Status.Code, WireType.Varint):
                                    statusCode = (uint)status.ReadVarint();
                                    break;
                                default:
                                    status.Skip(statusField, statusWireType);
                                    break;
                            }
                        }

                        break;
                    default:
                        span.Skip(field, wireType);
                        break;
                }
            }

            ItemIds? ids = OtlpIds.Span(traceId, IdLength(traceId), spanId, IdLength(spanId), parentSpanId, IdLength(parentSpanId), out string? repair, out string? rejection);
            if (!Issues.Accept(ids, repair, rejection))
            {
                return;
            }

            Spans.Add(new OtlpSpan
            {
                TraceId = ids.Value.TraceId,
                SpanId = ids.Value.SpanId,
                ParentSpanId = ids.Value.ParentSpanId,
                Name = Strings.Get(name),
                Kind = (OtlpSpanKind)(int)kind is var spanKind && Enum.IsDefined(spanKind) ? spanKind : OtlpSpanKind.Unspecified,
                StartTimeUnixNano = start,
                EndTimeUnixNano = end,
                StatusCode = (OtlpStatusCode)(int)statusCode is var code && Enum.IsDefined(code) ? code : OtlpStatusCode.Unset,
                StatusMessage = statusMessage.IsEmpty ? null : Strings.Get(statusMessage),
                Attributes = Scratch.MoveTo(resource),
            });
        }
    }

    private sealed class LogRecordReader : ItemReader
    {
        public List<OtlpLogRecord> Records { get; } = [];

        public override void Read(ref ProtobufWireReader record, AttributeSet resource)
        {
            scoped ReadOnlySpan<byte> traceId = default, spanId = default, eventName = default;
            ulong time = 0, observedTime = 0;
            uint severity = 0;
            Scratch.Clear();
            while (record.TryReadTag(out int field, out WireType wireType))
            {
                switch (field, wireType)
                {
                    case (Fields.LogRecord.TimeUnixNano, WireType.Fixed64):
                        time = record.ReadFixed64();
                        break;
                    case (Fields.LogRecord.ObservedTimeUnixNano, WireType.Fixed64):
                        observedTime = record.ReadFixed64();
                        break;
                    case (Fields.LogRecord.SeverityNumber, WireType.Varint):
                        severity = (uint)record.ReadVarint();
                        break;
                    case (Fields.LogRecord.Body, WireType.LengthDelimited):
                        ProtobufWireReader body = record.ReadMessage();
                        SkippedMessages.Walk(ref body, SkippedMessage.AnyValue);
                        break;
                    case (Fields.LogRecord.Attributes, WireType.LengthDelimited):
                        ProtobufWireReader keyValue = record.ReadMessage();
                        ReadAttribute(ref keyValue, Scratch, Strings);
                        break;
                    case (Fields.LogRecord.TraceId, WireType.LengthDelimited):
                        traceId = record.ReadLengthDelimited();
                        break;
                    case (Fields.LogRecord.SpanId, WireType.LengthDelimited):
                        spanId = record.ReadLengthDelimited();
                        break;
                    case (Fields.LogRecord.EventName, WireType.LengthDelimited):
                        eventName = record.ReadString();
                        break;
                    case (Fields.LogRecord.SeverityText, WireType.LengthDelimited):
                        record.ReadString();
                        break;
                    default:
                        record.Skip(field, wireType);
                        break;
                }
            }

            ItemIds? ids = OtlpIds.LogRecord(traceId, IdLength(traceId), spanId, IdLength(spanId), out string? repair, out string? rejection);
            if (!Issues.Accept(ids, repair, rejection))
            {
                return;
            }

            Records.Add(new OtlpLogRecord
            {
                TraceId = ids.Value.TraceId,
                SpanId = ids.Value.SpanId,
                TimeUnixNano = time != 0 ? time : observedTime,
                SeverityNumber = (int)severity,
                EventName = eventName.IsEmpty ? null : Strings.Get(eventName),
                Attributes = Scratch.MoveTo(resource),
            });
        }
    }
}

using Fields = ServerlessDiscovery.Otlp.Decoding.Protobuf.OtlpProtoFields;

namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>The OTLP messages discovery reads nothing from but the generated parser would parse (and so check).</summary>
internal enum SkippedMessage
{
    InstrumentationScope,
    Event,
    Link,
    KeyValue,
    AnyValue,
    ArrayValue,
    KeyValueList,
}

/// <summary>
/// Walks a message discovery does not read without keeping anything, descending into the messages it holds and checking
/// its strings are UTF-8 (by the OTLP protos), so that a malformed event, link, scope, array or map rejects the body as
/// the generated parser would; bytes fields (ids) and unknown fields are skipped unread, as the generated parser keeps
/// them.
/// </summary>
internal static class SkippedMessages
{
    public static void Walk(ref ProtobufWireReader message, SkippedMessage shape)
    {
        while (message.TryReadTag(out int field, out WireType wireType))
        {
            if (wireType != WireType.LengthDelimited)
            {
                message.Skip(field, wireType);
            }
            else if (Child(shape, field) is { } child)
            {
                ProtobufWireReader inner = message.ReadMessage();
                Walk(ref inner, child);
            }
            else if (IsString(shape, field))
            {
                message.ReadString();
            }
            else
            {
                message.Skip(field, wireType);
            }
        }
    }

    private static bool IsString(SkippedMessage shape, int field) => (shape, field) switch
    {
        (SkippedMessage.InstrumentationScope, Fields.InstrumentationScope.Name or Fields.InstrumentationScope.Version) => true,
        (SkippedMessage.Event, Fields.Event.Name) => true,
        (SkippedMessage.Link, Fields.Link.TraceState) => true,
        (SkippedMessage.KeyValue, Fields.KeyValue.Key) => true,
        (SkippedMessage.AnyValue, Fields.AnyValue.StringValue) => true,
        _ => false,
    };

    private static SkippedMessage? Child(SkippedMessage shape, int field) => (shape, field) switch
    {
        (SkippedMessage.InstrumentationScope, Fields.InstrumentationScope.Attributes) => SkippedMessage.KeyValue,
        (SkippedMessage.Event, Fields.Event.Attributes) => SkippedMessage.KeyValue,
        (SkippedMessage.Link, Fields.Link.Attributes) => SkippedMessage.KeyValue,
        (SkippedMessage.KeyValue, Fields.KeyValue.Value) => SkippedMessage.AnyValue,
        (SkippedMessage.AnyValue, Fields.AnyValue.ArrayValue) => SkippedMessage.ArrayValue,
        (SkippedMessage.AnyValue, Fields.AnyValue.KvlistValue) => SkippedMessage.KeyValueList,
        (SkippedMessage.ArrayValue, Fields.ValueList.Values) => SkippedMessage.AnyValue,
        (SkippedMessage.KeyValueList, Fields.ValueList.Values) => SkippedMessage.KeyValue,
        _ => null,
    };
}

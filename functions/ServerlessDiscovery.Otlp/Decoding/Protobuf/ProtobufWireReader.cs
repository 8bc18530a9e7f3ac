using System.Buffers.Binary;
using System.Text.Unicode;

namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>The protobuf wire types (protobuf encoding spec, "Message Structure"); 6 and 7 are invalid.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// Reads protobuf wire format (https://protobuf.dev/programming-guides/encoding/) from a span without allocating, for
/// the OTLP decoder. It exists because neither Google.Protobuf path fits the request path: the generated parser builds
/// every message of the request (each KeyValue, AnyValue, ByteString, event and link) only for us to copy a few fields
/// out, and it cannot skip what we do not read; its public <c>CodedInputStream</c> allocates a ByteString or string
/// per field read. The checks are Google.Protobuf's, so a body it rejects is rejected here too: a varint longer than
/// 10 bytes (a 32-bit one keeps its low 32 bits, as Google.Protobuf's ReadRawVarint32 does), a length past the end
/// or negative as a 32-bit integer, field number 0, wire types 6 and 7, an end-group tag that closes nothing or
/// another group, nesting deeper than <see cref="RecursionLimit"/> messages or groups, and a string field that is not
/// valid UTF-8 (Google.Protobuf 3.36 rejects the whole message: "String is invalid UTF-8."). Every failure is an
/// <see cref="OtlpFormatException"/> naming the problem and its byte offset in the body.
/// </summary>
internal ref struct ProtobufWireReader
{
    /// <summary>Google.Protobuf's default recursion limit (CodedInputStream.DefaultRecursionLimit).</summary>
    public const int RecursionLimit = 100;

    private const int MaxVarintBytes = 10;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly string _message;
    private readonly int _origin;
    private readonly int _depth;
    private int _position;
    private int _tagPosition;

    /// <summary>A reader over a whole body holding one <paramref name="message"/> (named in errors).</summary>
    public ProtobufWireReader(ReadOnlySpan<byte> body, string message)
        : this(body, message, 0, 0)
    {
    }

    private ProtobufWireReader(ReadOnlySpan<byte> buffer, string message, int origin, int depth)
    {
        _buffer = buffer;
        _message = message;
        _origin = origin;
        _depth = depth;
    }

    /// <summary>The next field's number and wire type; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out WireType wireType)
    {
        if (_position >= _buffer.Length)
        {
            field = 0;
            wireType = default;
            return false;
        }

        int at = _tagPosition = _position;
        uint tag = (uint)ReadVarint();
        field = (int)(tag >> 3);
        wireType = (WireType)(tag & 7);
        if (field == 0)
        {
            throw Malformed("a field number of 0", at);
        }

        return true;
    }

    public ulong ReadVarint()
    {
        int at = _position;
        ulong result = 0;
        for (int i = 0; i < MaxVarintBytes; i++)
        {
            if (_position >= _buffer.Length)
            {
                throw Malformed("a truncated varint", at);
            }

            byte b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Malformed("a varint longer than 10 bytes", at);
    }

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(sizeof(ulong), "a truncated fixed64"));

    /// <summary>The bytes of a length-delimited field (string, bytes or message), still in the body.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        int at = _position;
        int length = (int)(uint)ReadVarint();
        if (length < 0)
        {
            throw Malformed($"a negative length ({length})", at);
        }

        if (length > _buffer.Length - _position)
        {
            throw Malformed($"a length of {length} bytes past the end ({_buffer.Length - _position} left)", at);
        }

        ReadOnlySpan<byte> value = _buffer.Slice(_position, length);
        _position += length;
        return value;
    }

    /// <summary>The bytes of a string field, which must be valid UTF-8 (proto3 strings; Google.Protobuf rejects others).</summary>
    public ReadOnlySpan<byte> ReadString()
    {
        int at = _position;
        ReadOnlySpan<byte> value = ReadLengthDelimited();
        if (!Utf8.IsValid(value))
        {
            throw Malformed("a string field that is not valid UTF-8", at);
        }

        return value;
    }

    /// <summary>A reader over an embedded message (a length-delimited field), one level deeper.</summary>
    public ProtobufWireReader ReadMessage()
    {
        int at = _position;
        CheckDepth(_depth, at);
        ReadOnlySpan<byte> bytes = ReadLengthDelimited();
        return new ProtobufWireReader(bytes, _message, _origin + _position - bytes.Length, _depth + 1);
    }

    /// <summary>Skips the value of a field just read by <see cref="TryReadTag"/>, as Google.Protobuf keeps an unknown field.</summary>
    public void Skip(int field, WireType wireType) => Skip(field, wireType, _depth);

    private void Skip(int field, WireType wireType, int depth)
    {
        int at = _tagPosition;
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarint();
                break;
            case WireType.Fixed64:
                Take(sizeof(ulong), "a truncated fixed64");
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited();
                break;
            case WireType.Fixed32:
                Take(sizeof(uint), "a truncated fixed32");
                break;
            case WireType.StartGroup:
                SkipGroup(field, depth);
                break;
            case WireType.EndGroup:
                throw Malformed($"an end-group tag (field {field}) without its start-group", at);
            default:
                throw Malformed($"an invalid wire type {(int)wireType} (field {field})", at);
        }
    }

    /// <summary>Skips a group's fields up to the end-group tag of the same field number (groups nest).</summary>
    private void SkipGroup(int field, int depth)
    {
        int start = _position;
        CheckDepth(depth, start);
        while (TryReadTag(out int inner, out WireType wireType))
        {
            if (wireType == WireType.EndGroup)
            {
                if (inner != field)
                {
                    throw Malformed($"an end-group tag for field {inner} closing the group of field {field}", start);
                }

                return;
            }

            Skip(inner, wireType, depth + 1);
        }

        throw Malformed($"a group (field {field}) without its end-group tag", start);
    }

    private ReadOnlySpan<byte> Take(int length, string truncated)
    {
        if (length > _buffer.Length - _position)
        {
            throw Malformed(truncated, _position);
        }

        ReadOnlySpan<byte> bytes = _buffer.Slice(_position, length);
        _position += length;
        return bytes;
    }

    private readonly void CheckDepth(int depth, int at)
    {
        if (depth >= RecursionLimit)
        {
            throw Malformed($"messages or groups nested deeper than {RecursionLimit}", at);
        }
    }

    private readonly OtlpFormatException Malformed(string problem, int at) =>
        new($"The body is not a valid OTLP {_message} protobuf: {problem} at byte {_origin + at}.");
}

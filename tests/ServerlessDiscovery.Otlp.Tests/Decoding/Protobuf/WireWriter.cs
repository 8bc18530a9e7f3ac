namespace ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf;

/// <summary>
/// Writes protobuf wire format field by field (protobuf encoding spec, https://protobuf.dev/programming-guides/encoding/:
/// tags, base-128 varints, little-endian fixed32/fixed64, length-delimited records, groups), so tests can send what
/// the generated messages cannot: fields repeated or out of order, unknown fields of every wire type, invalid UTF-8.
/// </summary>
internal sealed class WireWriter
{
    public const int Varint = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimited = 2;
    public const int StartGroup = 3;
    public const int EndGroup = 4;
    public const int Fixed32Type = 5;

    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public WireWriter Raw(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            _bytes.Add(b);
        }

        return this;
    }

    public WireWriter RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        _bytes.Add((byte)value);
        return this;
    }

    public WireWriter Tag(int field, int wireType) => RawVarint(((ulong)(uint)field << 3) | (uint)wireType);

    public WireWriter VarintField(int field, ulong value) => Tag(field, Varint).RawVarint(value);

    public WireWriter Fixed64(int field, ulong value)
    {
        Tag(field, Fixed64Type);
        for (int i = 0; i < 8; i++)
        {
            _bytes.Add((byte)(value >> (8 * i)));
        }

        return this;
    }

    public WireWriter Fixed32(int field, uint value)
    {
        Tag(field, Fixed32Type);
        for (int i = 0; i < 4; i++)
        {
            _bytes.Add((byte)(value >> (8 * i)));
        }

        return this;
    }

    public WireWriter Bytes(int field, ReadOnlySpan<byte> value) => Tag(field, LengthDelimited).RawVarint((ulong)value.Length).Raw(value);

    public WireWriter Message(int field, WireWriter message) => Bytes(field, message.ToArray());

    public byte[] ToArray() => [.. _bytes];
}

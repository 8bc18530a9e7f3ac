using System.Text;

namespace ServerlessDiscovery.Otlp.Decoding.Protobuf;

/// <summary>
/// The strings of one request, shared between its items: an exporter's batch repeats its span names and attribute
/// values (operation names, providers, models, hosts), so a short ASCII value becomes one string per request rather than
/// one per span. A small direct-mapped table by hash: a value whose slot another value took is made again (still
/// correct, only not shared). Text with non-ASCII characters is not shared, so a cached string equals its bytes exactly
/// when they are equal as ASCII.
/// </summary>
internal sealed class RequestStrings
{
    private const int Slots = 128;
    private const int MaxSharedLength = 128;

    private readonly string?[] _slots = new string?[Slots];

    /// <summary>The text of a string field already checked to be UTF-8 (<see cref="ProtobufWireReader.ReadString"/>).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return string.Empty;
        }

        if (utf8.Length > MaxSharedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var hash = default(HashCode);
        hash.AddBytes(utf8);
        ref string? slot = ref _slots[(uint)hash.ToHashCode() % Slots];
        if (slot is not null && Ascii.Equals(utf8, slot))
        {
            return slot;
        }

        string text = Encoding.UTF8.GetString(utf8);
        if (text.Length == utf8.Length)
        {
            // As many characters as bytes: all ASCII.
            slot = text;
        }

        return text;
    }
}

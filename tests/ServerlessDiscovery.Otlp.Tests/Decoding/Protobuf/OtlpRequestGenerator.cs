using System.Text;
using ServerlessDiscovery.Otlp.Decoding;
using W = ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf.WireWriter;

namespace ServerlessDiscovery.Otlp.Tests.Decoding.Protobuf;

/// <summary>
/// Seeded random OTLP export requests, written field by field against the OTLP protos
/// (opentelemetry/proto/collector/{trace,logs}/v1, trace/v1/trace.proto, logs/v1/logs.proto, common/v1/common.proto,
/// resource/v1/resource.proto in functions/ServerlessDiscovery.Otlp/Protos) with what real and hostile senders do:
/// several resources and scopes, fields in any order, a resource after its scopes or sent twice, a status twice,
/// scalars repeated (the last wins), duplicate and unknown attribute keys, arrays and maps under known keys, a value
/// or a oneof member sent twice, events and links, ids missing, zero, of odd length or too long, non-ASCII keys that
/// resemble known ones, undefined enum values, and unknown fields of every wire type including nested groups. One seed
/// in four (<see cref="InvalidUtf8"/>) also puts invalid UTF-8 in strings, which rejects the whole request.
/// </summary>
internal sealed class OtlpRequestGenerator(int seed)
{
    private static readonly string[] KnownKeys = [.. Enum.GetValues<SpanAttribute>().Select(SpanAttributeKeys.KeyOf)];

    private static readonly string[] UnknownKeys = ["http.method", "http.status_code", "gen_ai.request.type", "x", string.Empty, "service.name.extra", "gen_ai.system.", "GEN_AI.SYSTEM"];

    /// <summary>Invalid UTF-8 (a stray byte, a truncated sequence, an overlong form, an encoded surrogate, a lone continuation byte).</summary>
    private static readonly byte[][] OddUtf8 =
    [
        [0x61, 0xFF, 0x62], [0xE2, 0x82], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80],
        [0x67, 0x65, 0x6E, 0x5F, 0x61, 0x69, 0x2E, 0x73, 0x79, 0x73, 0x74, 0x65, 0xED], // "gen_ai.syste" + a truncated sequence
    ];

    /// <summary>Valid UTF-8 keys that resemble known ones (a Cyrillic letter, a NUL, a non-breaking space).</summary>
    private static readonly string[] LookalikeKeys = ["gen_ai.syst\u0435m", "\u0455ervice.name", "model\u0000", "gen_ai.request.model\u00A0"];

    private readonly Random _random = new(seed);

    /// <summary>Whether strings may be invalid UTF-8 (which both decoders reject).</summary>
    public bool InvalidUtf8 { get; } = seed % 4 == 0;

    /// <summary>An ExportTraceServiceRequest; <paramref name="size"/> scales the number of resources, scopes and spans.</summary>
    public byte[] Traces(int size = 3) => Request(size, Span);

    /// <summary>An ExportLogsServiceRequest.</summary>
    public byte[] Logs(int size = 3) => Request(size, LogRecord);

    private byte[] Request(int size, Func<W> item)
    {
        var parts = new List<W>();
        for (int i = 0, n = _random.Next(1, size + 1); i < n; i++)
        {
            parts.Add(new W().Message(1, ResourceItems(size, item)));
        }

        AddUnknown(parts, 2);
        return Concat(parts).ToArray();
    }

    private W ResourceItems(int size, Func<W> item)
    {
        var parts = new List<W>();
        int resources = _random.Next(10) switch { 0 => 0, 1 or 2 => 2, _ => 1 };
        for (int i = 0; i < resources; i++)
        {
            parts.Add(new W().Message(1, Resource()));
        }

        for (int i = 0, n = _random.Next(1, size + 1); i < n; i++)
        {
            parts.Add(new W().Message(2, ScopeItems(size, item)));
        }

        if (_random.Next(3) == 0)
        {
            parts.Add(new W().Bytes(3, Encoding.UTF8.GetBytes("https://opentelemetry.io/schemas/1.27.0")));
        }

        AddUnknown(parts, 2);
        Shuffle(parts);
        return Concat(parts);
    }

    private W Resource()
    {
        var parts = new List<W>();
        if (_random.Next(4) != 0)
        {
            parts.Add(new W().Message(1, KeyValue("service.name", Any.String)));
        }

        for (int i = 0, n = _random.Next(4); i < n; i++)
        {
            parts.Add(new W().Message(1, Attribute()));
        }

        if (_random.Next(4) == 0)
        {
            parts.Add(new W().VarintField(2, (ulong)_random.Next(100)));
        }

        AddUnknown(parts, 1);
        return Concat(parts);
    }

    private W ScopeItems(int size, Func<W> item)
    {
        var parts = new List<W>();
        if (_random.Next(3) != 0)
        {
            var scope = new W().Bytes(1, Encoding.UTF8.GetBytes("openai")).Bytes(2, Encoding.UTF8.GetBytes("1.2.3"));
            for (int i = 0, n = _random.Next(3); i < n; i++)
            {
                scope.Message(3, Attribute());
            }

            parts.Add(new W().Message(1, scope));
        }

        for (int i = 0, n = _random.Next(size + 2); i < n; i++)
        {
            parts.Add(new W().Message(2, item()));
        }

        AddUnknown(parts, 1);
        Shuffle(parts);
        return Concat(parts);
    }

    private W Span()
    {
        var parts = new List<W>();
        AddId(parts, 1, 16);
        AddId(parts, 2, 8);
        if (_random.Next(2) == 0)
        {
            AddId(parts, 4, 8);
        }

        for (int i = 0, n = _random.Next(3) == 0 ? 2 : 1; i < n; i++)
        {
            parts.Add(new W().Bytes(5, Text()));
        }

        if (_random.Next(5) != 0)
        {
            parts.Add(new W().VarintField(6, EnumValue(6)));
        }

        parts.Add(new W().Fixed64(7, (ulong)_random.NextInt64()));
        parts.Add(new W().Fixed64(8, (ulong)_random.NextInt64()));
        if (_random.Next(4) == 0)
        {
            parts.Add(new W().Fixed64(7, (ulong)_random.NextInt64()));
        }

        for (int i = 0, n = _random.Next(7); i < n; i++)
        {
            parts.Add(new W().Message(9, Attribute()));
        }

        for (int i = 0, n = _random.Next(3); i < n; i++)
        {
            var spanEvent = new W().Fixed64(1, (ulong)_random.NextInt64()).Bytes(2, Text());
            for (int j = 0, m = _random.Next(3); j < m; j++)
            {
                spanEvent.Message(3, Attribute());
            }

            parts.Add(new W().Message(11, spanEvent.VarintField(4, 1)));
        }

        for (int i = 0, n = _random.Next(3); i < n; i++)
        {
            var link = new W().Bytes(1, RandomBytes(16)).Bytes(2, RandomBytes(8)).Bytes(3, Encoding.UTF8.GetBytes("k=v"));
            for (int j = 0, m = _random.Next(2); j < m; j++)
            {
                link.Message(4, Attribute());
            }

            parts.Add(new W().Message(13, link.Fixed32(6, 1)));
        }

        for (int i = 0, n = _random.Next(4) switch { 0 => 0, 1 => 2, _ => 1 }; i < n; i++)
        {
            var status = new W();
            if (_random.Next(3) != 0)
            {
                status.VarintField(3, EnumValue(3));
            }

            if (_random.Next(2) == 0)
            {
                status.Bytes(2, Text());
            }

            AddUnknown(status, 1);
            parts.Add(new W().Message(15, status));
        }

        if (_random.Next(3) == 0)
        {
            parts.Add(new W().Bytes(3, Encoding.UTF8.GetBytes("vendor=1")).Fixed32(16, 0x301).VarintField(10, 2).VarintField(12, 1).VarintField(14, 3));
        }

        AddUnknown(parts, 2);
        Shuffle(parts);
        return Concat(parts);
    }

    private W LogRecord()
    {
        var parts = new List<W>();
        if (_random.Next(3) != 0)
        {
            parts.Add(new W().Fixed64(1, _random.Next(4) == 0 ? 0 : (ulong)_random.NextInt64()));
        }

        if (_random.Next(2) == 0)
        {
            parts.Add(new W().Fixed64(11, (ulong)_random.NextInt64()));
        }

        if (_random.Next(4) != 0)
        {
            parts.Add(new W().VarintField(2, EnumValue(24)));
        }

        if (_random.Next(2) == 0)
        {
            parts.Add(new W().Bytes(3, Encoding.UTF8.GetBytes("INFO")));
        }

        if (_random.Next(2) == 0)
        {
            parts.Add(new W().Message(5, AnyValue(Any.Random, 0)));
        }

        for (int i = 0, n = _random.Next(6); i < n; i++)
        {
            parts.Add(new W().Message(6, Attribute()));
        }

        if (_random.Next(3) != 0)
        {
            AddId(parts, 9, 16);
            AddId(parts, 10, 8);
        }

        for (int i = 0, n = _random.Next(3); i < n; i++)
        {
            parts.Add(new W().Bytes(12, _random.Next(3) == 0 ? [] : Text()));
        }

        if (_random.Next(3) == 0)
        {
            parts.Add(new W().VarintField(7, 1).Fixed32(8, 1));
        }

        AddUnknown(parts, 2);
        Shuffle(parts);
        return Concat(parts);
    }

    private W Attribute()
    {
        string key = _random.Next(10) switch
        {
            < 6 => KnownKeys[_random.Next(KnownKeys.Length)],
            < 9 => UnknownKeys[_random.Next(UnknownKeys.Length)],
            _ => string.Empty,
        };
        return key.Length == 0 && _random.Next(2) == 0
            ? OddKeyValue()
            : KeyValue(key, Any.Random);
    }

    private enum Any
    {
        Random,
        String,
    }

    private W KeyValue(string key, Any kind)
    {
        var parts = new List<W> { new W().Bytes(1, Encoding.UTF8.GetBytes(key)) };
        int values = _random.Next(10) switch { 0 => 0, 1 => 2, _ => 1 };
        for (int i = 0; i < values; i++)
        {
            parts.Add(new W().Message(2, AnyValue(kind, 0)));
        }

        if (_random.Next(8) == 0)
        {
            // The key sent twice: the last wins.
            parts.Add(new W().Bytes(1, Encoding.UTF8.GetBytes(KnownKeys[_random.Next(KnownKeys.Length)])));
        }

        AddUnknown(parts, 1);
        Shuffle(parts);
        return Concat(parts);
    }

    /// <summary>A key that merely resembles a known key, or (with <see cref="InvalidUtf8"/>) is not valid UTF-8.</summary>
    private W OddKeyValue() =>
        new W().Bytes(1, InvalidUtf8 && _random.Next(3) == 0 ? OddUtf8[_random.Next(OddUtf8.Length)] : Encoding.UTF8.GetBytes(LookalikeKeys[_random.Next(LookalikeKeys.Length)]))
            .Message(2, AnyValue(Any.String, 0));

    private W AnyValue(Any kind, int depth)
    {
        var value = new W();
        int members = kind == Any.String ? 1 : _random.Next(8) switch { 0 => 0, 1 => 2, _ => 1 };
        for (int i = 0; i < members; i++)
        {
            switch (kind == Any.String ? 0 : _random.Next(depth > 2 ? 4 : 7))
            {
                case 0:
                    value.Bytes(1, Text());
                    break;
                case 1:
                    value.VarintField(2, (ulong)_random.Next(3)); // a bool other than 0 or 1 is still true
                    break;
                case 2:
                    value.VarintField(3, (ulong)(_random.Next(2) == 0 ? _random.Next(100_000) : _random.NextInt64(long.MinValue, long.MaxValue)));
                    break;
                case 3:
                    double[] doubles = [0.5, -0.0, double.NaN, double.PositiveInfinity, 1e300, 123456789.125, _random.NextDouble()];
                    value.Fixed64(4, (ulong)BitConverter.DoubleToInt64Bits(doubles[_random.Next(doubles.Length)]));
                    break;
                case 4:
                    var array = new W();
                    for (int j = 0, n = _random.Next(3); j < n; j++)
                    {
                        array.Message(1, AnyValue(Any.Random, depth + 1));
                    }

                    value.Message(5, array);
                    break;
                case 5:
                    var kvlist = new W();
                    for (int j = 0, n = _random.Next(3); j < n; j++)
                    {
                        kvlist.Message(1, new W().Bytes(1, Encoding.UTF8.GetBytes(KnownKeys[_random.Next(KnownKeys.Length)])).Message(2, AnyValue(Any.Random, depth + 1)));
                    }

                    value.Message(6, kvlist);
                    break;
                default:
                    value.Bytes(7, RandomBytes(_random.Next(5)));
                    break;
            }
        }

        AddUnknown(value, 1);
        return value;
    }

    private byte[] Text() => _random.Next(8) switch
    {
        0 when InvalidUtf8 && _random.Next(4) == 0 => OddUtf8[_random.Next(OddUtf8.Length)],
        0 => Encoding.UTF8.GetBytes("\uFEFFa\u0000\uFFFD"),
        1 => Encoding.UTF8.GetBytes("модель-😀"),
        2 => [],
        _ => Encoding.UTF8.GetBytes($"gpt-{_random.Next(1000)}"),
    };

    private void AddId(List<W> parts, int field, int length)
    {
        byte[]? id = _random.Next(16) switch
        {
            0 => null,
            1 => [],
            2 => new byte[length],
            3 => RandomBytes(5),
            4 => RandomBytes(33),
            5 => RandomBytes(32),
            _ => RandomBytes(length),
        };
        if (id is not null)
        {
            parts.Add(new W().Bytes(field, id));
        }
    }

    /// <summary>An enum value: mostly defined (0 to <paramref name="max"/>), sometimes undefined, negative or over 32 bits.</summary>
    private ulong EnumValue(int max) => _random.Next(10) switch
    {
        0 => (ulong)(max + 1 + _random.Next(100)),
        1 => unchecked((ulong)-1L),
        2 => 0x1_0000_0002UL,
        _ => (ulong)_random.Next(max + 1),
    };

    private void AddUnknown(List<W> parts, int most)
    {
        for (int i = 0, n = _random.Next(most + 1); i < n; i++)
        {
            var unknown = new W();
            AddUnknown(unknown, 1, 0);
            parts.Add(unknown);
        }
    }

    private void AddUnknown(W message, int most) => AddUnknown(message, most, 0);

    /// <summary>Unknown fields of every wire type: field numbers no OTLP message here uses, and known numbers with a wire type none of them has.</summary>
    private void AddUnknown(W message, int most, int depth)
    {
        for (int i = 0, n = _random.Next(most + 1); i < n; i++)
        {
            int field = _random.Next(4) == 0 ? _random.Next(1, 16) : _random.Next(100, 5000);
            int wireType = field < 16 ? (_random.Next(2) == 0 ? W.Fixed32Type : W.StartGroup) : _random.Next(6) switch { 4 => W.StartGroup, var t => t };
            switch (wireType)
            {
                case W.Varint:
                    message.VarintField(field, (ulong)_random.NextInt64() << _random.Next(0, 2));
                    break;
                case W.Fixed64Type:
                    message.Fixed64(field, (ulong)_random.NextInt64());
                    break;
                case W.LengthDelimited:
                    message.Bytes(field, RandomBytes(_random.Next(12)));
                    break;
                case W.Fixed32Type:
                    message.Fixed32(field, (uint)_random.Next());
                    break;
                default:
                    message.Tag(field, W.StartGroup);
                    if (depth < 3)
                    {
                        AddUnknown(message, 2, depth + 1);
                    }

                    message.Tag(field, W.EndGroup);
                    break;
            }
        }
    }

    private byte[] RandomBytes(int length)
    {
        byte[] bytes = new byte[length];
        _random.NextBytes(bytes);
        return bytes;
    }

    private void Shuffle(List<W> parts)
    {
        for (int i = parts.Count - 1; i > 0; i--)
        {
            int j = _random.Next(i + 1);
            (parts[i], parts[j]) = (parts[j], parts[i]);
        }
    }

    private static W Concat(List<W> parts)
    {
        var all = new W();
        foreach (W part in parts)
        {
            all.Raw(part.ToArray());
        }

        return all;
    }
}

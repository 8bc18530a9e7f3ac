using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// Counts the items of a batch that were dropped (rejected) or kept with repaired ids, keeping the first reason of
/// each, for the partial-success reply: a rejection is counted in rejected_spans, a repair only named in the message
/// (OTLP: a message with a zero count is a warning).
/// </summary>
internal struct BatchIssues
{
    public int Rejected;
    public int Repaired;
    private string? _firstRejection;
    private string? _firstRepair;

    public void Reject(string reason)
    {
        Rejected++;
        _firstRejection ??= reason;
    }

    public void Repair(string reason)
    {
        Repaired++;
        _firstRepair ??= reason;
    }

    /// <summary>Counts an item's id check (<see cref="OtlpIds"/>): false (rejected) when it has no ids, else counts a repair.</summary>
    public bool Accept([NotNullWhen(true)] ItemIds? ids, string? repair, string? rejection)
    {
        if (ids is null)
        {
            Reject(rejection!);
            return false;
        }

        if (repair is not null)
        {
            Repair(repair);
        }

        return true;
    }

    public readonly string? Message
    {
        get
        {
            string? rejected = Rejected == 0 ? null : Rejected == 1 ? $"rejected: {_firstRejection}" : $"rejected: {_firstRejection} ({Rejected} rejected in total)";
            string? repaired = Repaired == 0 ? null
                : $"accepted with replaced ids: {_firstRepair} ({Repaired} in total; their attributes were used, their ids only link them within the request's trace)";
            return rejected is null ? repaired : repaired is null ? rejected : $"{rejected}; {repaired}";
        }
    }
}

/// <summary>The ids of a span or log record as the internal model keeps them.</summary>
internal readonly record struct ItemIds(UInt128 TraceId, ulong SpanId, ulong ParentSpanId);

/// <summary>
/// Checks and repairs of OTLP ids shared by the protobuf and JSON decoders. OTLP requires 16-byte trace ids and 8-byte
/// span ids, but some senders (OpenCITE's own test fixture among them) send other lengths. The inventory stores no
/// traces, so such an item still counts: an id of another length is replaced by a stable 128- or 64-bit digest of its
/// bytes (the same id always maps to the same value, so a parent and its children still meet), an empty or all-zero
/// id by a fresh random one (the item stands alone). Only an id that does not decode at all rejects the item.
/// </summary>
internal static class OtlpIds
{
    public const int TraceIdLength = 16;
    public const int SpanIdLength = 8;

    /// <summary>Longest id accepted, in bytes (longer is rejected rather than digested).</summary>
    public const int MaxIdBytes = 32;

    /// <summary>The ids of a span; a repair reason when one was replaced; null ids (and the reason) when one is undecodable (<paramref name="traceLength"/> etc. -1).</summary>
    public static ItemIds? Span(ReadOnlySpan<byte> trace, int traceLength, ReadOnlySpan<byte> span, int spanLength, ReadOnlySpan<byte> parent, int parentLength, out string? repair, out string? rejection)
    {
        repair = null;
        rejection = Undecodable("span", traceLength, spanLength, parentLength);
        if (rejection is not null)
        {
            return null;
        }

        UInt128 traceId = TraceId(trace[..traceLength], ref repair, "span");
        ulong spanId = SpanId(span[..spanLength], standalone: true, ref repair, "span", "span_id");
        ulong parentId = parentLength == 0 ? 0 : SpanId(parent[..parentLength], standalone: false, ref repair, "span", "parent_span_id");
        return new ItemIds(traceId, spanId, parentId);
    }

    /// <summary>The ids of a log record, which may omit both (0 then); repaired or rejected as for spans.</summary>
    public static ItemIds? LogRecord(ReadOnlySpan<byte> trace, int traceLength, ReadOnlySpan<byte> span, int spanLength, out string? repair, out string? rejection)
    {
        repair = null;
        rejection = Undecodable("log record", traceLength, spanLength, 0);
        if (rejection is not null)
        {
            return null;
        }

        UInt128 traceId = traceLength == 0 ? UInt128.Zero : TraceId(trace[..traceLength], ref repair, "log record");
        ulong spanId = spanLength == 0 ? 0 : SpanId(span[..spanLength], standalone: false, ref repair, "log record", "span_id");
        return new ItemIds(traceId, spanId, 0);
    }

    private static string? Undecodable(string item, int traceLength, int spanLength, int parentLength) =>
        traceLength < 0 ? $"{item} with an undecodable trace_id (neither hex nor base64, or over {MaxIdBytes} bytes)"
        : spanLength < 0 ? $"{item} with an undecodable span_id (neither hex nor base64, or over {MaxIdBytes} bytes)"
        : parentLength < 0 ? $"{item} with an undecodable parent_span_id (neither hex nor base64, or over {MaxIdBytes} bytes)"
        : null;

    private static UInt128 TraceId(ReadOnlySpan<byte> bytes, ref string? repair, string item)
    {
        if (bytes.Length == TraceIdLength && bytes.ContainsAnyExcept((byte)0))
        {
            return BinaryPrimitives.ReadUInt128BigEndian(bytes);
        }

        repair ??= $"{item} with a trace_id of {bytes.Length} bytes{(bytes.Length == TraceIdLength ? " (all zero)" : string.Empty)}; OTLP requires 16 non-zero bytes";
        if (!bytes.ContainsAnyExcept((byte)0))
        {
#pragma warning disable CA5394 // not security: only keeps an id-less item from being linked with others
            return new UInt128((ulong)Random.Shared.NextInt64(1, long.MaxValue), (ulong)Random.Shared.NextInt64());
#pragma warning restore CA5394
        }

        return BinaryPrimitives.ReadUInt128BigEndian(Digest(bytes));
    }

    private static ulong SpanId(ReadOnlySpan<byte> bytes, bool standalone, ref string? repair, string item, string field)
    {
        if (bytes.Length == SpanIdLength && bytes.ContainsAnyExcept((byte)0))
        {
            return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        }

        repair ??= $"{item} with a {field} of {bytes.Length} bytes{(bytes.Length == SpanIdLength ? " (all zero)" : string.Empty)}; OTLP requires 8 non-zero bytes";
        if (!bytes.ContainsAnyExcept((byte)0))
        {
            // A span without an id of its own stands alone; a zero parent is no parent.
#pragma warning disable CA5394
            return standalone ? (ulong)Random.Shared.NextInt64(1, long.MaxValue) : 0;
#pragma warning restore CA5394
        }

        return BinaryPrimitives.ReadUInt64BigEndian(Digest(bytes)) | 1;
    }

    /// <summary>SHA-256 of the id's bytes: stable across hosts and restarts, and (unlike padding) distinct for ids of different lengths.</summary>
    private static byte[] Digest(ReadOnlySpan<byte> bytes) => SHA256.HashData(bytes);
}

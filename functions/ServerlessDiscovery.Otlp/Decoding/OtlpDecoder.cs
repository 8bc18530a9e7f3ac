using ServerlessDiscovery.Otlp.Decoding.Protobuf;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>The two OTLP/HTTP body encodings.</summary>
public enum OtlpEncoding
{
    /// <summary>application/x-protobuf</summary>
    Protobuf,

    /// <summary>application/json</summary>
    Json,
}

/// <summary>
/// Decodes OTLP/HTTP export request bodies (already decompressed and size-limited by the endpoint).
/// Throws <see cref="OtlpFormatException"/> for a malformed body; counts individually bad spans or records as rejected.
/// </summary>
public static class OtlpDecoder
{
    /// <summary>The encoding for a Content-Type header value, or null when OTLP/HTTP does not define it (answer 415).</summary>
    public static OtlpEncoding? EncodingOf(string? contentType)
    {
        string mediaType = (contentType ?? string.Empty).Split(';', 2)[0].Trim();
        return mediaType.ToUpperInvariant() switch
        {
            "APPLICATION/X-PROTOBUF" or "APPLICATION/PROTOBUF" => OtlpEncoding.Protobuf,
            "APPLICATION/JSON" => OtlpEncoding.Json,
            _ => null,
        };
    }

    public static OtlpTraceBatch DecodeTraces(ReadOnlyMemory<byte> body, OtlpEncoding encoding) => encoding switch
    {
        OtlpEncoding.Protobuf => OtlpProtobufDecoder.DecodeTraces(body.Span),
        OtlpEncoding.Json => OtlpJsonDecoder.DecodeTraces(body),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };

    public static OtlpLogBatch DecodeLogs(ReadOnlyMemory<byte> body, OtlpEncoding encoding) => encoding switch
    {
        OtlpEncoding.Protobuf => OtlpProtobufDecoder.DecodeLogs(body.Span),
        OtlpEncoding.Json => OtlpJsonDecoder.DecodeLogs(body),
        _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
    };
}

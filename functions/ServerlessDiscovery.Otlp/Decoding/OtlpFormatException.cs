namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// The request body is not a well-formed OTLP export request (truncated or invalid protobuf, invalid JSON, a field of
/// the wrong shape). The whole batch is unusable; the OTLP endpoint answers 400 with <see cref="Exception.Message"/>.
/// Individually bad spans do not raise this: they are counted in <see cref="OtlpTraceBatch.RejectedSpans"/> or <see cref="OtlpTraceBatch.RepairedSpans"/>.
/// </summary>
public sealed class OtlpFormatException : Exception
{
    public OtlpFormatException()
    {
    }

    public OtlpFormatException(string message)
        : base(message)
    {
    }

    public OtlpFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

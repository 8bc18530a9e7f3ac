using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using ServerlessDiscovery.Otlp.Protocol.Collector.Logs;
using ServerlessDiscovery.Otlp.Protocol.Collector.Trace;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// The OTLP/HTTP success bodies. With nothing rejected and no message, partial_success is left unset (the spec's full
/// success); otherwise it carries the rejected count and the message.
/// </summary>
public static class OtlpResponses
{
    public static byte[] Traces(OtlpEncoding encoding, long rejectedSpans = 0, string? errorMessage = null)
    {
        if (encoding == OtlpEncoding.Json)
        {
            return Json("rejectedSpans", rejectedSpans, errorMessage);
        }

        var response = new ExportTraceServiceResponse();
        if (rejectedSpans != 0 || !string.IsNullOrEmpty(errorMessage))
        {
            response.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = rejectedSpans, ErrorMessage = errorMessage ?? string.Empty };
        }

        return response.ToByteArray();
    }

    public static byte[] Logs(OtlpEncoding encoding, long rejectedLogRecords = 0, string? errorMessage = null)
    {
        if (encoding == OtlpEncoding.Json)
        {
            return Json("rejectedLogRecords", rejectedLogRecords, errorMessage);
        }

        var response = new ExportLogsServiceResponse();
        if (rejectedLogRecords != 0 || !string.IsNullOrEmpty(errorMessage))
        {
            response.PartialSuccess = new ExportLogsPartialSuccess { RejectedLogRecords = rejectedLogRecords, ErrorMessage = errorMessage ?? string.Empty };
        }

        return response.ToByteArray();
    }

    /// <summary>The content type of a response body in <paramref name="encoding"/>.</summary>
    public static string ContentType(OtlpEncoding encoding) => encoding == OtlpEncoding.Json ? "application/json" : "application/x-protobuf";

    private static byte[] Json(string countField, long rejected, string? errorMessage)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (rejected != 0 || !string.IsNullOrEmpty(errorMessage))
            {
                writer.WriteStartObject("partialSuccess");
                // proto3 JSON writes int64 as a decimal string.
                writer.WriteString(countField, rejected.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("errorMessage", errorMessage ?? string.Empty);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}

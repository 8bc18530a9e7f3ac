using System.Text;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Redaction;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>
/// Reads the error code and message from the error shapes cloud providers use, and reduces what a provider quoted to a
/// bounded, redacted summary: one line, credential-shaped values masked, at most <see cref="MaxSummaryLength"/> characters,
/// an HTML page named rather than quoted.
/// </summary>
internal static class ProviderErrors
{
    /// <summary>The longest provider message quoted in an error.</summary>
    public const int MaxSummaryLength = 300;

    public static (string? Code, string? Message) Parse(byte[] body, HttpResponseMessage response)
    {
        string? headerCode = response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? values)
            ? values.FirstOrDefault()?.Split(':')[0]
            : null;
        if (body.Length == 0)
        {
            return (headerCode, null);
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(body);
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (headerCode, null);
            }

            // Azure / Google: {"error": {"code": ..., "message": ...}}; Google also has "status".
            if (root.TryGetProperty("error", out JsonElement error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    string? code = Text(error, "status") ?? Text(error, "code");
                    return (code ?? headerCode, Text(error, "message"));
                }

                return (headerCode ?? Text(root, "error_code"), error.ValueKind == JsonValueKind.String ? error.GetString() : Text(root, "message"));
            }

            // AWS JSON: {"__type": "ns#Code", "message": ...}; Databricks: {"error_code": ..., "message": ...}.
            string? type = Text(root, "__type")?.Split('#')[^1];
            return (type ?? Text(root, "error_code") ?? Text(root, "code") ?? headerCode, Text(root, "message") ?? Text(root, "Message") ?? Text(root, "detail"));
        }
        catch (JsonException)
        {
            string text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4 * MaxSummaryLength));
            return (headerCode, text.TrimStart().StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith("<html", StringComparison.OrdinalIgnoreCase)
                ? $"an HTML page of {body.Length} bytes"
                : text);
        }
    }

    /// <summary>A provider's message as it may be quoted: control characters and line breaks folded to spaces, credential-shaped values masked, bounded.</summary>
    public static string Summary(string message)
    {
        var folded = new StringBuilder(Math.Min(message.Length, 4 * MaxSummaryLength));
        foreach (char c in message.AsSpan(0, Math.Min(message.Length, 4 * MaxSummaryLength)))
        {
            bool space = char.IsControl(c) || char.IsWhiteSpace(c);
            if (!space || (folded.Length > 0 && folded[^1] != ' '))
            {
                folded.Append(space ? ' ' : c);
            }
        }

        string text = SecretRedactor.None.Redact(folded.ToString().Trim());
        return text.Length > MaxSummaryLength ? text[..MaxSummaryLength] + "…" : text;
    }

    /// <summary>An error reply's body, at most 64 KiB of it; empty when the connection broke while reading.</summary>
    public static async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // HttpContent buffers what it reads, so a retry predicate and the error mapping can both read it.
            byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return body.Length > 65536 ? body[..65536] : body;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return [];
        }
    }

    public static bool IsThrottlingCode(string? code) =>
        code is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded" or "RESOURCE_EXHAUSTED" or "REQUEST_LIMIT_EXCEEDED";

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.ToString() : null;
}

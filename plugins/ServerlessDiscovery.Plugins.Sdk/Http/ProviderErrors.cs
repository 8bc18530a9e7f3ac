using System.Text;
using System.Text.Json;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>Reads the error code and message from the error shapes cloud providers use.</summary>
internal static class ProviderErrors
{
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
            string text = Encoding.UTF8.GetString(body);
            return (headerCode, text.Length > 200 ? text[..200] : text);
        }
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

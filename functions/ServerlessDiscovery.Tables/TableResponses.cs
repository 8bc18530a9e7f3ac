using System.Text.Json;
using Azure;
using Azure.Core;

namespace ServerlessDiscovery.Tables;

/// <summary>Turns the Table service's error responses into typed exceptions.</summary>
internal static class TableResponses
{
    public static void EnsureSuccess(Response response, params int[] expected)
    {
        if (Array.IndexOf(expected, response.Status) >= 0)
        {
            return;
        }

        throw CreateException(response.Status, response.Content?.ToMemory() ?? default);
    }

    public static TableRequestFailedException CreateException(int status, ReadOnlyMemory<byte> body, bool inTransaction = false)
    {
        (string? code, string? message) = ParseError(body);
        string text = $"Table Storage answered {status}{(code is null ? string.Empty : $" ({code})")}: {message ?? "no details"}";
        if (inTransaction)
        {
            int? index = null;
            int colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
            if (colon > 0 && int.TryParse(message.AsSpan(0, colon), out int parsed))
            {
                index = parsed;
            }

            return new TableTransactionFailedException(status, code, text, index);
        }

        return status == 412 ? new TableConcurrencyException(code, text) : new TableRequestFailedException(status, code, text);
    }

    private static (string? Code, string? Message) ParseError(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.TryGetProperty("odata.error", out JsonElement error))
            {
                string? code = error.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                string? message = error.TryGetProperty("message", out JsonElement m)
                    ? m.ValueKind == JsonValueKind.Object && m.TryGetProperty("value", out JsonElement v) ? v.GetString() : m.ToString()
                    : null;
                return (code, message?.Split('\n')[0]);
            }
        }
        catch (JsonException)
        {
            // Not JSON (an XML error or a proxy's page): fall through to the status alone.
        }

        return (null, null);
    }
}

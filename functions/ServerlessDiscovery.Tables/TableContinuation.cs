using System.Buffers.Text;
using System.Text;

namespace ServerlessDiscovery.Tables;

/// <summary>Packs the service's NextPartitionKey/NextRowKey pair into one opaque, URL-safe token.</summary>
internal static class TableContinuation
{
    public static string Encode(string nextPartitionKey, string? nextRowKey) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(nextPartitionKey + "\n" + (nextRowKey ?? string.Empty)));

    public static (string NextPartitionKey, string? NextRowKey) Decode(string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token));
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        if (newline <= 0)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token));
        }

        string rk = text[(newline + 1)..];
        return (text[..newline], rk.Length == 0 ? null : rk);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace ServerlessDiscovery.Tables;

/// <summary>
/// Signs each attempt with the Table service's SharedKeyLite scheme: HMAC-SHA256 over the x-ms-date value and
/// the canonicalized resource (/account/path). Runs per retry so every attempt carries a fresh date.
/// </summary>
internal sealed class SharedKeyLitePolicy(string accountName, byte[] accountKey) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        string date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        message.Request.Headers.SetValue("x-ms-date", date);
        Uri uri = message.Request.Uri.ToUri();
        var resource = new StringBuilder().Append('/').Append(accountName).Append(uri.AbsolutePath);
        string? comp = GetCompParameter(uri.Query);
        if (comp is not null)
        {
            resource.Append("?comp=").Append(comp);
        }

        string stringToSign = date + "\n" + resource;
        byte[] signature = HMACSHA256.HashData(accountKey, Encoding.UTF8.GetBytes(stringToSign));
        message.Request.Headers.SetValue("Authorization", $"SharedKeyLite {accountName}:{Convert.ToBase64String(signature)}");
    }

    private static string? GetCompParameter(string query)
    {
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (pair.StartsWith("comp=", StringComparison.OrdinalIgnoreCase))
            {
                return Uri.UnescapeDataString(pair[5..]);
            }
        }

        return null;
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>
/// X-Signature: t=&lt;unix seconds&gt;,v1=&lt;lowercase hex HMAC-SHA256(key = the secret's UTF-8 bytes, "&lt;t&gt;.&lt;body&gt;")&gt;.
/// The timestamp lets a receiver refuse replays; the body is signed as the exact bytes sent.
/// </summary>
internal static class DeliverySignature
{
    public const string Header = "X-Signature";

    public static string Create(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        string t = unixSeconds.ToString(CultureInfo.InvariantCulture);
        byte[] prefix = Encoding.UTF8.GetBytes(t + ".");
        byte[] message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return $"t={t},v1={Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message))}";
    }

    /// <summary>OpenCITE's header, for receivers that verify its signature: sha256=&lt;lowercase hex HMAC-SHA256(key = the secret's UTF-8 bytes, body)&gt;.</summary>
    public const string OpenCiteHeader = "x-opencite-signature";

    public static string CreateOpenCite(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A new subscription secret: 32 random bytes, hex.</summary>
    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

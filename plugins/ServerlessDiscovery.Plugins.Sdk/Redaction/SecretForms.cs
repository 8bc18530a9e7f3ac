using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ServerlessDiscovery.Plugins.Redaction;

/// <summary>
/// The spellings a secret can take on its way into an error: as is, URL-encoded, JSON-escaped, and base64 or base64url
/// at each of the three byte alignments (so the secret is found inside a longer encoded string too, whatever precedes it).
/// </summary>
internal static class SecretForms
{
    /// <summary>Values shorter than this are not redacted: they would mask ordinary words and protect nothing.</summary>
    public const int MinimumSecretLength = 4;

    public static IEnumerable<string> Of(string secret)
    {
        yield return secret;
        yield return Uri.EscapeDataString(secret);
        yield return WebUtility.UrlEncode(secret);
        yield return JsonEncodedText.Encode(secret).ToString();
        yield return JsonEncodedText.Encode(secret, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString();
        byte[] bytes = Encoding.UTF8.GetBytes(secret);
        for (int offset = 0; offset < 3; offset++)
        {
            string core = Base64Core(bytes, offset);
            if (core.Length >= MinimumSecretLength)
            {
                yield return core;
                yield return core.Replace('+', '-').Replace('/', '_');
            }
        }
    }

    /// <summary>
    /// The base64 characters that depend only on the secret's bytes when <paramref name="offset"/> bytes precede it:
    /// the leading characters that mix in the preceding bytes and the trailing ones that mix in what follows are dropped.
    /// </summary>
    private static string Base64Core(byte[] secret, int offset)
    {
        byte[] shifted = new byte[offset + secret.Length];
        secret.CopyTo(shifted, offset);
        string encoded = Convert.ToBase64String(shifted).TrimEnd('=');
        int skip = offset switch { 0 => 0, 1 => 2, _ => 3 };
        int drop = shifted.Length % 3 == 0 ? 0 : 1;
        return encoded.Length - skip - drop <= 0 ? string.Empty : encoded[skip..^drop];
    }
}

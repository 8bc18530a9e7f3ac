using System.Text.RegularExpressions;

namespace ServerlessDiscovery.Plugins.Redaction;

/// <summary>
/// Credentials recognisable by their shape, whether or not they were configured: an Authorization scheme's token
/// (Bearer, Basic, Token, ...), a JWT, a credential-named query parameter or JSON field. Providers quote these in
/// errors (an OAuth server echoing the assertion, a proxy echoing the request's header).
/// </summary>
internal static partial class CredentialPatterns
{
    public static string Redact(string text, string mask)
    {
        text = SchemeToken().Replace(text, m => m.Groups["token"].Value.Any(char.IsAsciiDigit) || m.Groups["token"].Length >= 20 ? m.Groups["scheme"].Value + mask : m.Value);
        text = Jwt().Replace(text, mask);
        text = QueryCredential().Replace(text, m => m.Groups["name"].Value + mask);
        return JsonCredential().Replace(text, m => m.Groups["name"].Value + mask + m.Groups["quote"].Value);
    }

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic|Token|Digest|SharedKey|SharedAccessSignature|ApiKey|Api-Key)[\s=:]+)(?<token>[A-Za-z0-9._~+/=:%-]{8,})", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SchemeToken();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<name>[?&;](?:key|api[-_]?key|apikey|code|sig|signature|token|access_token|id_token|refresh_token|password|pwd|secret|client_secret|client_assertion|assertion|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&\s""'#<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QueryCredential();

    [GeneratedRegex(@"(?<name>\\?""(?:api[-_]?key|apikey|password|secret|client_secret|token|access_token|id_token|refresh_token|private_key|private_key_id|authorization|x-api-key|master_key|session_token|secret_access_key)\\?""\s*:\s*\\?"")[^""\\]*(?<quote>\\?"")", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex JsonCredential();
}

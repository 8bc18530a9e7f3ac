namespace ServerlessDiscovery.Plugins.Redaction;

/// <summary>
/// Makes a URL a provider reported safe to store in an asset: it may carry a key in its query string (?key=..., ?code=...,
/// a SAS signature) or in its user info (LiteLLM's api_base, an agent card's url). Every query value and any user info
/// is replaced and the fragment dropped; scheme, host, path and parameter names stay, so the asset still says where it
/// points. Unlike <see cref="SecretRedactor"/> it needs no configured secret: it masks every value, known or not.
/// </summary>
public static class UrlRedaction
{
    /// <summary>What replaces each query value and the user info (kept from LiteLLM's first version, so stored assets do not change).</summary>
    public const string Mask = "REDACTED";

    /// <summary>The URL with its query values and user info masked; text that is not an absolute URL loses any query or fragment.</summary>
    public static string? Redact(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return url;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            // Not a URL we can take apart: keep what precedes any query or fragment.
            int cut = url.IndexOfAny(['?', '#']);
            return cut < 0 ? url : url[..cut];
        }

        var builder = new UriBuilder(uri) { Fragment = string.Empty };
        if (uri.UserInfo.Length > 0)
        {
            builder.UserName = Mask;
            builder.Password = string.Empty;
        }

        if (uri.Query.Length > 1)
        {
            IEnumerable<string> names = uri.Query[1..].Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)[0]);
            builder.Query = string.Join('&', names.Select(n => $"{n}={Mask}"));
        }

        return builder.Uri.AbsoluteUri;
    }
}

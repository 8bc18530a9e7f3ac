namespace ServerlessDiscovery.Plugins.LiteLlm.Redaction;

/// <summary>
/// Makes a provider URL safe to store: LiteLLM's api_base may carry a key in its query string (?key=..., ?code=...,
/// a SAS signature) or in its user info. Every query value and any user info is replaced; scheme, host, path and
/// parameter names stay, so the asset still says where it points.
/// </summary>
internal static class UrlRedaction
{
    public const string Mask = "REDACTED";

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

namespace ServerlessDiscovery.Plugins.Azure.Discovery;

/// <summary>How the plugin stores a URL a provider reports (connection targets, inference URIs, MCP server URLs).</summary>
internal static class StoredUrls
{
    /// <summary>
    /// A URL may carry a key in its query string (…?code=…) or its user info (https://user:key@host): only scheme, host,
    /// port and path are kept. Text that is not an absolute URL keeps what precedes any query.
    /// </summary>
    public static string? WithoutQuery(string? url)
    {
        if (url is null)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
        {
            return url.Split('?')[0];
        }

        if (uri.UserInfo.Length > 0)
        {
            uri = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty }.Uri;
        }

        return uri.GetLeftPart(UriPartial.Path);
    }
}

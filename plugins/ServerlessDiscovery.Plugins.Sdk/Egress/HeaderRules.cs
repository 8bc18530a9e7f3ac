namespace ServerlessDiscovery.Plugins.Egress;

/// <summary>
/// Which configured request headers (MCP servers' headers, webhooks' headers) may be sent: a name of RFC 9110 token
/// characters that is not connection-level (hop-by-hop, RFC 9110 7.6.1) nor Host and the other headers the HTTP stack
/// owns; a value without CR, LF or NUL (RFC 9110 5.5), so nothing configured can split a request or add a header.
/// </summary>
public static class HeaderRules
{
    public const int MaxNameLength = 256;
    public const int MaxValueLength = 8192;

    /// <summary>Headers the HTTP stack or the connection owns; configuring them would redirect or smuggle requests.</summary>
    public static IReadOnlySet<string> Forbidden { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Content-Length", "Expect", "HTTP2-Settings",
    };

    /// <summary>Null when <paramref name="name"/> may be configured; otherwise why not (the name is not secret, the value is).</summary>
    public static string? CheckName(string name)
    {
        if (name.Length is 0 or > MaxNameLength || !name.All(IsTokenChar))
        {
            return $"is not a valid HTTP header name (1-{MaxNameLength} token characters: letters, digits and !#$%&'*+-.^_`|~).";
        }

        return Forbidden.Contains(name) ? "is a connection-level header set by the HTTP stack and cannot be configured." : null;
    }

    /// <summary>Null when <paramref name="value"/> may be sent; otherwise why not, without quoting it (values are often credentials).</summary>
    public static string? CheckValue(string value) =>
        value.Length > MaxValueLength || value.Any(c => c is '\r' or '\n' or '\0')
            ? $"must be at most {MaxValueLength} characters without CR, LF or NUL."
            : null;

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}

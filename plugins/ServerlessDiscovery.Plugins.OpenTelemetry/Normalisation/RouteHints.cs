using ServerlessDiscovery.Otlp.Decoding;
using A = ServerlessDiscovery.Otlp.Decoding.SpanAttribute;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>
/// Where a span's call went, as far as resolution to a declared asset needs it: the server address (host, and port
/// when not the scheme's default), the URL without user info, query or fragment (they may carry credentials), and an
/// endpoint name read from a provider's invocation path (SageMaker <c>/endpoints/{name}/invocations</c>, Databricks
/// <c>/serving-endpoints/{name}/...</c>). Nothing here is per call, so it is asset content.
/// </summary>
internal readonly record struct RouteHints(string? Host, string? Address, string? Url, string? Kind, string? EndpointName)
{
    /// <summary>Attribute keys trace-derived assets carry these under.</summary>
    public const string ServerAddressKey = "server_address";
    public const string UrlKey = "url";
    public const string EndpointNameKey = "endpoint_name";

    public const string SageMakerEndpoint = "sagemaker";
    public const string ServingEndpoint = "serving-endpoints";

    public static RouteHints Of(AttributeSet a) =>
        Of(a.Text(A.ServerAddress)?.Trim().ToLowerInvariant(), a.Integer(A.ServerPort), a.Text(A.UrlFull) ?? a.Text(A.HttpUrl));

    /// <summary>The hints of a URL alone (an MCP server's declared endpoint).</summary>
    public static RouteHints OfUrl(string url) => Of(null, null, url);

    private static RouteHints Of(string? host, long? port, string? url)
    {
        Uri? parsed = url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https" ? u : null;
        if (parsed is null)
        {
            return host is null ? default : new RouteHints(host, AddressOf(host, port), null, null, null);
        }

        host ??= parsed.Host.ToLowerInvariant();
        port ??= parsed.IsDefaultPort ? null : parsed.Port;
        string path = parsed.AbsolutePath;
        (string? kind, string? endpoint) = EndpointOf(host, path);
        string clean = $"{parsed.Scheme}://{parsed.Authority.ToLowerInvariant()}{path.TrimEnd('/')}";
        return new RouteHints(host, AddressOf(host, port), clean, kind, endpoint);
    }

    private static string AddressOf(string host, long? port) =>
        port is null or 80 or 443 ? host : $"{host}:{port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static (string? Kind, string? Endpoint) EndpointOf(string host, string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (host.StartsWith("runtime.sagemaker.", StringComparison.Ordinal) && segments is ["endpoints", { } name, ..])
        {
            return (SageMakerEndpoint, Uri.UnescapeDataString(name));
        }

        int i = Array.IndexOf(segments, "serving-endpoints");
        return i >= 0 && i + 1 < segments.Length && segments[i + 1] is not ("chat" or "completions" or "embeddings")
            ? (ServingEndpoint, Uri.UnescapeDataString(segments[i + 1]))
            : (null, null);
    }
}

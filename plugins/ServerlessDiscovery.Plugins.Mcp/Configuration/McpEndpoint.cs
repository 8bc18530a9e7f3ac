using System.Text;
using ModelContextProtocol.Client;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Plugins.Mcp.Configuration;

internal enum McpTransportKind
{
    Auto,
    StreamableHttp,
    Sse,
    Stdio,
}

/// <summary>
/// Where one MCP server is and how to reach it, read from a validated configuration. <see cref="ServerId"/> is
/// the server's identity: the normalised URL, or the command line for stdio; never a process id or a secret.
/// </summary>
internal sealed class McpEndpoint
{
    private McpEndpoint(McpTransportKind transport, TimeSpan timeout)
    {
        Transport = transport;
        Timeout = timeout;
    }

    public McpTransportKind Transport { get; }

    public TimeSpan Timeout { get; }

    public Uri? Url { get; private init; }

    public IReadOnlyDictionary<string, string> Headers { get; private init; } = new Dictionary<string, string>();

    public string? Command { get; private init; }

    public IReadOnlyList<string> Arguments { get; private init; } = [];

    public IReadOnlyDictionary<string, string> Environment { get; private init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; private init; }

    /// <summary>The server's stable identity, also shown as its endpoint: no user info, query or fragment, no header or environment value.</summary>
    public string ServerId { get; private init; } = string.Empty;

    /// <summary>Values that must never leave the plugin: header and environment values.</summary>
    public IReadOnlyList<string> SecretValues => [.. Headers.Values, .. Environment.Values];

    public string TransportName => Transport switch
    {
        McpTransportKind.StreamableHttp => "streamable_http",
        McpTransportKind.Sse => "sse",
        McpTransportKind.Stdio => "stdio",
        _ => "auto",
    };

    public HttpTransportMode HttpMode => Transport switch
    {
        McpTransportKind.StreamableHttp => HttpTransportMode.StreamableHttp,
        McpTransportKind.Sse => HttpTransportMode.Sse,
        _ => HttpTransportMode.AutoDetect,
    };

    public static IEnumerable<ConfigError> Validate(PluginConfiguration configuration)
    {
        McpTransportKind? transport = ParseTransport(configuration.GetString(McpFields.Transport));
        if (transport is null)
        {
            yield return new ConfigError(McpFields.Transport, "must be streamable_http, sse, auto or stdio.");
            yield break;
        }

        bool stdio = transport == McpTransportKind.Stdio;
        bool hasCommand = !string.IsNullOrWhiteSpace(configuration.GetString(McpFields.Command));
        if (stdio)
        {
            if (!hasCommand)
            {
                yield return new ConfigError(McpFields.Command, "is required for the stdio transport.");
            }
            else if (!StdioEnabled())
            {
                yield return new ConfigError(McpFields.Command, $"stdio servers run a command on this host and are disabled here; set {McpFields.StdioEnabledVariable}=true on the host to allow them.");
            }

            foreach (string field in (string[])[McpFields.Url, McpFields.Headers])
            {
                if (configuration.Has(field))
                {
                    yield return new ConfigError(field, "applies to a remote server only, not to the stdio transport.");
                }
            }
        }
        else
        {
            if (!configuration.Has(McpFields.Url))
            {
                yield return new ConfigError(McpFields.Url, "is required for a remote server.");
            }

            foreach (string field in (string[])[McpFields.Command, McpFields.Arguments, McpFields.Environment, McpFields.WorkingDirectory])
            {
                if (configuration.Has(field))
                {
                    yield return new ConfigError(field, "applies to the stdio transport only.");
                }
            }

            // Sent on every request: nothing configured may add a header line, reroute the request or speak for the connection.
            foreach ((string name, string value) in configuration.GetMap(McpFields.Headers))
            {
                if ((HeaderRules.CheckName(name) ?? HeaderRules.CheckValue(value)) is { } error)
                {
                    yield return new ConfigError($"{McpFields.Headers}.{name}", error);
                }
            }
        }

        if (configuration.GetInteger(McpFields.TimeoutSeconds) is not (>= 1 and <= McpFields.MaxTimeoutSeconds))
        {
            yield return new ConfigError(McpFields.TimeoutSeconds, $"must be between 1 and {McpFields.MaxTimeoutSeconds}.");
        }
    }

    public static McpEndpoint From(PluginConfiguration configuration)
    {
        var timeout = TimeSpan.FromSeconds(configuration.GetInteger(McpFields.TimeoutSeconds) ?? 60);
        McpTransportKind transport = ParseTransport(configuration.GetString(McpFields.Transport)) ?? McpTransportKind.Auto;
        if (transport == McpTransportKind.Stdio)
        {
            string command = configuration.GetRequiredString(McpFields.Command);
            IReadOnlyList<string> arguments = configuration.GetList(McpFields.Arguments);
            return new McpEndpoint(McpTransportKind.Stdio, timeout)
            {
                Command = command,
                Arguments = arguments,
                Environment = configuration.GetMap(McpFields.Environment),
                WorkingDirectory = configuration.GetString(McpFields.WorkingDirectory),
                ServerId = "stdio:" + CommandLine(command, arguments),
            };
        }

        Uri url = configuration.GetUrl(McpFields.Url) ?? throw new InvalidOperationException("Configuration field 'url' has no value.");
        return new McpEndpoint(transport, timeout)
        {
            Url = url,
            Headers = configuration.GetMap(McpFields.Headers),
            ServerId = NormaliseUrl(url),
        };
    }

    /// <summary>scheme://host[:port]/path in lower-case scheme and host, default port and trailing slash dropped, without user info, query or fragment (they may carry credentials).</summary>
    public static string NormaliseUrl(Uri url)
    {
        string path = url.AbsolutePath.TrimEnd('/');
        string port = url.IsDefaultPort ? string.Empty : ":" + url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{url.Scheme.ToLowerInvariant()}://{url.Host.ToLowerInvariant()}{port}{path}";
    }

    /// <summary>The command line as a shell would show it: arguments with spaces or quotes are quoted.</summary>
    public static string CommandLine(string command, IEnumerable<string> arguments)
    {
        var line = new StringBuilder(Quote(command.Trim()));
        foreach (string argument in arguments)
        {
            line.Append(' ').Append(Quote(argument));
        }

        return line.ToString();
    }

    private static string Quote(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? value
            : "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static McpTransportKind? ParseTransport(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "stdio" => McpTransportKind.Stdio,
        "auto" => McpTransportKind.Auto,
        "streamable_http" => McpTransportKind.StreamableHttp,
        "sse" => McpTransportKind.Sse,
        _ => null,
    };

    private static bool StdioEnabled() =>
        bool.TryParse(System.Environment.GetEnvironmentVariable(McpFields.StdioEnabledVariable), out bool enabled) && enabled;
}

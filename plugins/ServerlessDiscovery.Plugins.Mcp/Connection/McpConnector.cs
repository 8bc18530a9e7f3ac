using System.Reflection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ServerlessDiscovery.Plugins.Mcp.Configuration;

namespace ServerlessDiscovery.Plugins.Mcp.Connection;

/// <summary>Opens an MCP client session (transport plus initialization) to the server an <see cref="McpEndpoint"/> names.</summary>
internal static class McpConnector
{
    private static readonly Implementation ClientInfo = new()
    {
        Name = "ServerlessDiscovery",
        Version = typeof(McpConnector).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "1.0.0",
    };

    /// <summary>
    /// Connects and initializes. The SDK's own logging is not wired to the host: its transports may log request
    /// details (headers included) that this plugin cannot vet for secrets.
    /// </summary>
    public static async Task<McpClient> ConnectAsync(McpEndpoint endpoint, PluginContext context, CancellationToken cancellationToken)
    {
        if (endpoint.Transport == McpTransportKind.Stdio && !context.MayUseHostIdentity)
        {
            // A stdio server is a command run as this host, with its identity and network: the operator's to allow,
            // never a tenant key's (MCP_STDIO_ENABLED only makes the transport available at all).
            throw new HostIdentityNotPermittedException(
                "config.command: a stdio server runs a command on this host, so only instances the operator owns "
                + "(Plugins__{id}__* app settings, or an admin key) may use the stdio transport.");
        }

        IClientTransport transport = endpoint.Transport == McpTransportKind.Stdio
            ? new StdioClientTransport(StdioOptions(endpoint), NullLoggerFactory.Instance)
            : new HttpClientTransport(HttpOptions(endpoint), context.CreateHttpClient(), NullLoggerFactory.Instance, ownsHttpClient: true);
        var options = new McpClientOptions
        {
            ClientInfo = ClientInfo,
            InitializationTimeout = SdkTimeout(endpoint),
            DiscoverProbeTimeout = DiscoverProbeTimeout(endpoint),
        };
        try
        {
            return await McpClient.CreateAsync(transport, options, NullLoggerFactory.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (transport is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>
    /// How long the SDK waits for the <c>server/discover</c> probe before falling back to <c>initialize</c>. Its default
    /// (5 s) suits HTTP, where each request stands alone. A stdio server is one process that is still starting when the
    /// probe is written: if it answers the probe after the SDK gave up, it has settled on the 2026-07-28 revision and
    /// refuses the fallback's initialize ("not available on protocol version"), so a server slow to start (npx, a cold
    /// .NET or Python process) would fail every time. A server that does not know the method answers with a JSON-RPC
    /// error at once, so the long wait costs only servers that ignore unknown requests, and half the budget still
    /// leaves them the other half to initialize.
    /// </summary>
    private static TimeSpan DiscoverProbeTimeout(McpEndpoint endpoint) =>
        endpoint.Transport == McpTransportKind.Stdio ? endpoint.Timeout / 2 : TimeSpan.FromSeconds(5);

    /// <summary>The caller's budget (the configured timeout) governs; the SDK's own timeouts only back it up.</summary>
    private static TimeSpan SdkTimeout(McpEndpoint endpoint) => endpoint.Timeout + TimeSpan.FromSeconds(5);

    private static HttpClientTransportOptions HttpOptions(McpEndpoint endpoint) => new()
    {
        Endpoint = endpoint.Url!,
        TransportMode = endpoint.HttpMode,
        Name = endpoint.ServerId,
        ConnectionTimeout = SdkTimeout(endpoint),
        AdditionalHeaders = new Dictionary<string, string>(endpoint.Headers, StringComparer.OrdinalIgnoreCase),
        // Discovery only asks; it needs no server-initiated messages, so no long-lived GET stream.
        EnableStandaloneGetStream = false,
    };

    private static StdioClientTransportOptions StdioOptions(McpEndpoint endpoint)
    {
        // The host's environment holds its own credentials: pass only the SDK's curated basics plus what was configured.
        Dictionary<string, string?> environment = StdioClientTransportOptions.GetDefaultEnvironmentVariables();
        foreach ((string name, string value) in endpoint.Environment)
        {
            environment[name] = value;
        }

        return new StdioClientTransportOptions
        {
            Command = endpoint.Command!,
            Arguments = [.. endpoint.Arguments],
            Name = endpoint.ServerId,
            WorkingDirectory = endpoint.WorkingDirectory,
            InheritEnvironmentVariables = false,
            EnvironmentVariables = environment,
        };
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins.Conformance;

/// <summary>A plugin context for tests: real HttpClients, fast retries, and a logger that captures every line.</summary>
public static class TestPluginContext
{
    public static PluginContext Create(ProviderHttpOptions? httpOptions = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null, bool mayUseHostIdentity = false) =>
        new(
            "test-tenant",
            "test-instance",
            new SimpleHttpClientFactory(),
            time ?? TimeProvider.System,
            loggerFactory ?? NullLoggerFactory.Instance,
            httpOptions ?? FastRetries(),
            mayUseHostIdentity);

    /// <summary>Retries that keep tests quick: three attempts, millisecond backoff, short attempt timeout.</summary>
    public static ProviderHttpOptions FastRetries() => new()
    {
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(5),
        MaxDelay = TimeSpan.FromSeconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A loopback URL on which nothing listens: connections are refused at once.</summary>
    public static Uri ClosedLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private sealed class SimpleHttpClientFactory : IHttpClientFactory
    {
        private static readonly SocketsHttpHandler Handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };

        public HttpClient CreateClient(string name) => new(Handler, disposeHandler: false);
    }
}

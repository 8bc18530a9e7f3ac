using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins;

/// <summary>What the host gives a plugin instance: who it is, HTTP, retry policy, a clock and a logger.</summary>
public sealed class PluginContext(
    string tenant,
    string instanceId,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    ProviderHttpOptions? httpOptions = null)
{
    public string Tenant { get; } = tenant;

    public string InstanceId { get; } = instanceId;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>The host's retry and limit policy for provider calls; a plugin may copy it and set its own rate limit.</summary>
    public ProviderHttpOptions HttpOptions { get; } = httpOptions ?? new ProviderHttpOptions();

    /// <summary>An HttpClient from the host's factory (pooled handlers; no base address, no default headers).</summary>
    public HttpClient CreateHttpClient() => httpClientFactory.CreateClient("plugins");

    /// <summary>A provider client with the host's retry policy, optionally paced to <paramref name="requestsPerSecond"/>.</summary>
    public ProviderHttpClient CreateProviderClient(string provider, double requestsPerSecond = 0)
    {
        var options = new ProviderHttpOptions
        {
            MaxAttempts = HttpOptions.MaxAttempts,
            BaseDelay = HttpOptions.BaseDelay,
            MaxDelay = HttpOptions.MaxDelay,
            AttemptTimeout = HttpOptions.AttemptTimeout,
            MaxResponseBytes = HttpOptions.MaxResponseBytes,
            RequestsPerSecond = requestsPerSecond > 0 ? requestsPerSecond : HttpOptions.RequestsPerSecond,
        };
        return new ProviderHttpClient(CreateHttpClient(), options, TimeProvider, provider);
    }
}

using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins;

/// <summary>
/// What the host gives a plugin instance: who it is, HTTP (every connection through the egress address policy),
/// retry policy, a clock, a logger, and whether it may authenticate as the host itself.
/// </summary>
public sealed class PluginContext(
    string tenant,
    string instanceId,
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    ProviderHttpOptions? httpOptions = null,
    bool mayUseHostIdentity = false)
{
    public string Tenant { get; } = tenant;

    public string InstanceId { get; } = instanceId;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    /// <summary>
    /// Whether the instance may use the host's own identity when its configuration names no credential: the Azure
    /// managed identity or DefaultAzureCredential, the AWS default chain, Google Application Default Credentials. True
    /// only for instances the operator owns (Plugins__{id}__* settings, or configured with an admin key); never for an
    /// instance a tenant-bound key configured, which would otherwise inventory the operator's own cloud.
    /// </summary>
    public bool MayUseHostIdentity { get; } = mayUseHostIdentity;

    /// <summary>The host's retry and limit policy for provider calls; a plugin may copy it and set its own rate limit.</summary>
    public ProviderHttpOptions HttpOptions { get; } = httpOptions ?? new ProviderHttpOptions();

    /// <summary>
    /// Throws <see cref="HostIdentityNotPermittedException"/> naming <paramref name="missingField"/> unless
    /// <see cref="MayUseHostIdentity"/>; call it where a plugin would fall back to <paramref name="hostIdentity"/>.
    /// </summary>
    public void RequireHostIdentity(string missingField, string hostIdentity)
    {
        if (!MayUseHostIdentity)
        {
            throw new HostIdentityNotPermittedException(missingField, hostIdentity);
        }
    }

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

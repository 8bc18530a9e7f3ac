namespace ServerlessDiscovery.Plugins.Http;

/// <summary>How a plugin talks to its provider: retries, timeouts, pacing and response limits (see <see cref="ProviderResilience"/>).</summary>
public sealed class ProviderHttpOptions
{
    /// <summary>Attempts per request, the first included. Retried: 408, 429, 500, 502, 503, 504, a provider throttling code (ThrottlingException, RESOURCE_EXHAUSTED, ...), network errors and attempt timeouts.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First backoff (the median of the first wait); grows exponentially, with jitter, unless the provider sends Retry-After.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between attempts, Retry-After included: a provider asking for longer fails the request.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Requests per second this instance may send to the provider (0: unlimited).</summary>
    public double RequestsPerSecond { get; set; }

    /// <summary>
    /// Timeout of one attempt. A request as a whole times out after MaxAttempts × (AttemptTimeout + MaxDelay), the most
    /// its attempts and waits can take.
    /// </summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Largest response body read; a larger one fails the request rather than exhausting memory.</summary>
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;
}

using System.Net.Http.Headers;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>
/// The Polly pipeline around one provider request, outermost first: a total timeout; retries of 408, 429, 500, 502,
/// 503, 504, a provider throttling code, network errors and attempt timeouts (exponential backoff with jitter, or the
/// provider's Retry-After); pacing; the attempt timeout. Every delay and timeout runs on the given TimeProvider.
/// </summary>
internal static class ProviderResilience
{
    // Polly's timeout strategy accepts at most a day.
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(1);

    public static ResiliencePipeline<HttpResponseMessage> Create(ProviderHttpOptions options, TimeProvider time, PacingStrategy? pacing)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time };
        builder.AddTimeout(TotalTimeout(options));
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = args => ShouldRetryAsync(args.Outcome, options, time, args.Context.CancellationToken),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfter(response, time) : null),
            });
        }

        if (pacing is not null)
        {
            builder.AddStrategy(_ => pacing, new PacingStrategyOptions());
        }

        builder.AddTimeout(Clamp(options.AttemptTimeout));
        return builder.Build();
    }

    /// <summary>
    /// The longest a request may take, every attempt timing out and every wait at its cap: the bound today's options
    /// already implied, enforced as a backstop.
    /// </summary>
    public static TimeSpan TotalTimeout(ProviderHttpOptions options) =>
        Clamp((options.AttemptTimeout + options.MaxDelay) * Math.Max(1, options.MaxAttempts));

    /// <summary>Whether a reply's status or provider error code asks to be retried (the body is buffered to read the code).</summary>
    public static async ValueTask<bool> IsRetriableAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode is 408 or 429 or 500 or 502 or 503 or 504)
        {
            return true;
        }

        (string? code, _) = ProviderErrors.Parse(await ProviderErrors.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false), response);
        return ProviderErrors.IsThrottlingCode(code);
    }

    /// <summary>The wait Retry-After asks for (seconds or an HTTP date, read against <paramref name="time"/>), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider time)
    {
        RetryConditionHeaderValue? header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            TimeSpan wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome, ProviderHttpOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } ex)
        {
            // An OperationCanceledException the caller did not ask for is HttpClient's own timeout.
            return ex is HttpRequestException or IOException or TimeoutRejectedException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);
        }

        HttpResponseMessage response = outcome.Result!;
        if (response.IsSuccessStatusCode)
        {
            return false;
        }

        // A provider asking to wait longer than MaxDelay fails the request rather than stalling the scan.
        if (RetryAfter(response, time) > options.MaxDelay)
        {
            return false;
        }

        return await IsRetriableAsync(response, cancellationToken).ConfigureAwait(false);
    }

    private static TimeSpan Clamp(TimeSpan timeout) => timeout > LongestTimeout ? LongestTimeout : timeout;
}

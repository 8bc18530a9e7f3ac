using System.Globalization;
using System.Net.Http.Headers;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>When to try again: exponential backoff with full jitter, or the receiver's Retry-After, never beyond MaxDelay.</summary>
internal static class RetrySchedule
{
    /// <summary>Azure Storage refuses queue visibility delays beyond seven days.</summary>
    private static readonly TimeSpan MaxQueueDelay = TimeSpan.FromDays(7);

    /// <param name="attempts">Attempts made so far (1 after the first).</param>
    public static TimeSpan Delay(int attempts, TimeSpan? retryAfter, WebhooksOptions options)
    {
        if (retryAfter is { } wanted)
        {
            return wanted < TimeSpan.Zero ? TimeSpan.Zero : wanted > options.MaxDelay ? options.MaxDelay : wanted;
        }

        double ceiling = Math.Min(options.MaxDelay.TotalMilliseconds, options.BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30)));
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
    }

    /// <summary>Retry-After as delta seconds or an HTTP date, relative to <paramref name="now"/>.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.RetryAfter is { } value)
        {
            if (value.Delta is { } delta)
            {
                return delta;
            }

            if (value.Date is { } date)
            {
                return date - now;
            }
        }

        // A malformed value the typed parser dropped: try the raw text once more as seconds.
        return headers.TryGetValues("Retry-After", out IEnumerable<string>? raw)
            && int.TryParse(raw.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out int seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>The delay as the deliveries queue applies it: whole seconds, never shorter than asked, at most seven days.</summary>
    public static TimeSpan WholeSeconds(TimeSpan delay) =>
        delay <= TimeSpan.Zero ? TimeSpan.Zero
        : delay >= MaxQueueDelay ? MaxQueueDelay
        : TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));
}

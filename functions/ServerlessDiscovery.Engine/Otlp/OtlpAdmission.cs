namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Whether an OTLP request may start: at most Otlp__MaxConcurrentRequests decoded at once, and none while storage was
/// just found down (for <see cref="OutageHold"/> after a failure every request gets 503 at once, instead of each waiting
/// on storage's retries and timeouts).
/// </summary>
public sealed class OtlpAdmission(TimeProvider time)
{
    /// <summary>How long a storage failure short-circuits later requests.</summary>
    public static readonly TimeSpan OutageHold = TimeSpan.FromSeconds(5);

    private int _requests;
    private long _outageUntilTicks;

    /// <summary>Admits one more request being decoded unless <paramref name="limit"/> are already; pair with <see cref="Exit"/>.</summary>
    public bool TryEnter(int limit)
    {
        if (Interlocked.Increment(ref _requests) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _requests);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _requests);

    /// <summary>True while a recent storage failure holds; <paramref name="retryAfter"/> is the rest of the hold in whole seconds (at least 1).</summary>
    public bool StorageDown(out int retryAfter)
    {
        long left = Interlocked.Read(ref _outageUntilTicks) - time.GetUtcNow().UtcTicks;
        retryAfter = Math.Max(1, (int)Math.Ceiling(TimeSpan.FromTicks(Math.Max(0, left)).TotalSeconds));
        return left > 0;
    }

    /// <summary>Records a storage failure: requests in the next <see cref="OutageHold"/> are refused without trying.</summary>
    public void StorageFailed() => Interlocked.Exchange(ref _outageUntilTicks, (time.GetUtcNow() + OutageHold).UtcTicks);
}

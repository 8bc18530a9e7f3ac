using Polly;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>
/// Spaces attempts to at most <see cref="ProviderHttpOptions.RequestsPerSecond"/>, one slot per attempt, on the
/// client's TimeProvider. Hand-written: Polly's rate limiter (Polly.RateLimiting over System.Threading.RateLimiting)
/// rejects or queues by permits on its own real-time timers, so it neither spaces requests evenly nor follows a
/// TimeProvider that tests can drive.
/// </summary>
internal sealed class PacingStrategy(double requestsPerSecond, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>, IDisposable
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / requestsPerSecond);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset _nextSlot = DateTimeOffset.MinValue;

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback,
        ResilienceContext context,
        TState state)
    {
        try
        {
            await WaitForSlotAsync(context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        catch (OperationCanceledException ex)
        {
            return Outcome.FromException<HttpResponseMessage>(ex);
        }

        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async Task WaitForSlotAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DateTimeOffset now = time.GetUtcNow();
            if (_nextSlot > now)
            {
                await Task.Delay(_nextSlot - now, time, cancellationToken).ConfigureAwait(false);
                now = _nextSlot;
            }

            _nextSlot = now + _interval;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>Polly names every strategy by its options; pacing has none beyond the rate given to the strategy.</summary>
internal sealed class PacingStrategyOptions : ResilienceStrategyOptions
{
    public PacingStrategyOptions() => Name = "Pacing";
}

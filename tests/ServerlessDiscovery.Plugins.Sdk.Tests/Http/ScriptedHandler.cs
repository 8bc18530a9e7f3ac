using System.Threading.Channels;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>Answers each attempt with the next scripted reply (the last repeats) and counts attempts.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] replies) : HttpMessageHandler
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(int status, Action<HttpResponseMessage>? configure = null, string? body = null) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body ?? "{}") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throws(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>Never answers; ends only when the attempt is cancelled.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hangs() =>
        async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        return replies[Math.Min(attempt, replies.Length) - 1](request, cancellationToken);
    }
}

/// <summary>A FakeTimeProvider that reports every timer it creates, so a test advances time exactly when a wait began.</summary>
internal sealed class ObservedTimeProvider : Microsoft.Extensions.Time.Testing.FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public ObservedTimeProvider()
        : base(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _timers.Writer.TryWrite(dueTime);
        return new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), _timers.Writer);
    }

    /// <summary>The due time of the next timer created or changed that is not one of <paramref name="ignored"/> (the timeouts).</summary>
    public async Task<TimeSpan> NextWaitAsync(params TimeSpan[] ignored)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            TimeSpan due = await _timers.Reader.ReadAsync(cts.Token);
            if (due != Timeout.InfiniteTimeSpan && !ignored.Contains(due))
            {
                return due;
            }
        }
    }
}

/// <summary>Reports a timer's new due time when it is changed (a CancellationTokenSource arms its timer that way).</summary>
internal sealed class ObservedTimer(ITimer inner, ChannelWriter<TimeSpan> changes) : ITimer
{
    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        changes.TryWrite(dueTime);
        return inner.Change(dueTime, period);
    }

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

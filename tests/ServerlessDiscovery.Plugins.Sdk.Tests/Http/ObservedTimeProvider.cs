using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>A FakeTimeProvider that reports every timer it creates, so a test advances time exactly when a wait began.</summary>
internal sealed class ObservedTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public ObservedTimeProvider()
        : base(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        // Report the timer only once it is registered: a test that advances the clock on the report must find it there.
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return new ObservedTimer(timer, _timers.Writer);
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
        bool changed = inner.Change(dueTime, period);
        changes.TryWrite(dueTime);
        return changed;
    }

    public void Dispose() => inner.Dispose();

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}

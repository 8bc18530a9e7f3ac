namespace ServerlessDiscovery.Engine.Delivery;

/// <summary>
/// Tells this process's standalone poller when a message it sent becomes visible, so that it looks then instead of at
/// its next idle poll. Messages sent by other processes are found by polling.
/// </summary>
internal sealed class DeliveryQueueSignal(TimeProvider time)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _wakeAt = DateTimeOffset.MaxValue;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Notify(TimeSpan visibleIn)
    {
        DateTimeOffset at = time.GetUtcNow() + visibleIn;
        lock (_gate)
        {
            if (at >= _wakeAt)
            {
                return;
            }

            _wakeAt = at;
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Waits at most <paramref name="idle"/>, less when a message sent here becomes visible sooner.</summary>
    public async Task WaitAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        DateTimeOffset until = time.GetUtcNow() + idle;
        while (true)
        {
            DateTimeOffset now = time.GetUtcNow();
            Task changed;
            DateTimeOffset deadline;
            lock (_gate)
            {
                if (_wakeAt <= now)
                {
                    _wakeAt = DateTimeOffset.MaxValue;
                    return;
                }

                deadline = _wakeAt < until ? _wakeAt : until;
                changed = _changed.Task;
            }

            if (deadline <= now)
            {
                return;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task delay = Task.Delay(deadline - now, time, stop.Token);
            await Task.WhenAny(delay, changed);
            await stop.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
            if (!changed.IsCompleted && time.GetUtcNow() >= until)
            {
                return;
            }
        }
    }
}

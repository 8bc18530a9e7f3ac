using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Functions.Webhooks;

/// <summary>
/// Standalone: sends deliveries in this process. Each subscription has its own worker with its own queue ordered by
/// due time, so a slow or failing subscriber waits only on itself. On start it picks up the pending rows a previous
/// process left behind.
/// </summary>
internal sealed partial class StandaloneDeliveryDispatcher(
    WebhookDeliverer deliverer, DeliveryStore store, IOptions<WebhooksOptions> options, TimeProvider time, ILogger<StandaloneDeliveryDispatcher> logger)
    : BackgroundService, IDeliveryDispatch
{
    private readonly ConcurrentDictionary<string, SubscriberWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly WebhookDeliverer _deliverer = deliverer;
    private readonly WebhooksOptions _options = options.Value;
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    public Task DispatchAsync(IReadOnlyList<WebhookDelivery> deliveries, CancellationToken cancellationToken)
    {
        foreach (WebhookDelivery delivery in deliveries)
        {
            Schedule(delivery);
        }

        return Task.CompletedTask;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
        await Task.WhenAll(_workers.Values.Select(w => w.Completion)).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        foreach (SubscriberWorker worker in _workers.Values)
        {
            worker.Dispose();
        }

        _stopping.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Storage may still be starting: keep trying to read the backlog until it answers or the process stops.
        for (int attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                IReadOnlyList<WebhookDelivery> pending = await store.ListPendingAsync(stoppingToken);
                foreach (WebhookDelivery delivery in pending)
                {
                    Schedule(delivery);
                }

                LogResumed(_logger, pending.Count);
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogResumeFailed(_logger, ex.GetType().Name, ex.Message);
                await Task.Delay(RetrySchedule.Delay(attempt, null, _options), _time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Schedule(WebhookDelivery delivery) =>
        _workers.GetOrAdd(delivery.WorkerKey, _ => new SubscriberWorker(this)).Schedule(delivery.Tenant, delivery.InstanceId, delivery.Id, delivery.NextAttemptAt);

    /// <summary>One subscription's deliveries, attempted one at a time in due order.</summary>
    private sealed class SubscriberWorker : IDisposable
    {
        private readonly StandaloneDeliveryDispatcher _owner;
        private readonly Lock _gate = new();
        private readonly PriorityQueue<(string Tenant, string Instance, string Id), DateTimeOffset> _due = new();
        private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _wake = new(0);

        public SubscriberWorker(StandaloneDeliveryDispatcher owner)
        {
            _owner = owner;
            Completion = Task.Run(() => RunAsync(owner._stopping.Token));
        }

        public Task Completion { get; }

        public void Dispose() => _wake.Dispose();

        public void Schedule(string tenant, string instance, string id, DateTimeOffset dueAt)
        {
            lock (_gate)
            {
                if (!_queued.Add(id))
                {
                    return;
                }

                _due.Enqueue((tenant, instance, id), dueAt);
            }

            _wake.Release();
        }

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                (string Tenant, string Instance, string Id) next;
                DateTimeOffset dueAt;
                lock (_gate)
                {
                    if (!_due.TryPeek(out next, out dueAt))
                    {
                        dueAt = DateTimeOffset.MaxValue;
                    }
                }

                TimeSpan wait = dueAt == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : dueAt - _owner._time.GetUtcNow();
                if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.Zero)
                {
                    // Woken by new work (which may be due sooner) or by the earliest due time, whichever comes first.
                    try
                    {
                        await _wake.WaitAsync(wait == Timeout.InfiniteTimeSpan ? wait : Min(wait, TimeSpan.FromHours(1)), cancellationToken);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    continue;
                }

                lock (_gate)
                {
                    _due.Dequeue();
                    _queued.Remove(next.Id);
                }

                await AttemptAsync(next.Tenant, next.Instance, next.Id, cancellationToken);
            }
        }

        private async Task AttemptAsync(string tenant, string instance, string id, CancellationToken cancellationToken)
        {
            try
            {
                (DeliveryOutcome outcome, DateTimeOffset nextAttemptAt) = await _owner._deliverer.AttemptAsync(tenant, instance, id, cancellationToken);
                if (outcome == DeliveryOutcome.Retry)
                {
                    Schedule(tenant, instance, id, nextAttemptAt);
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Storage trouble, not the subscriber's: the row is still pending; try again after a backoff.
                LogAttemptError(_owner._logger, id, ex.GetType().Name, ex.Message);
                Schedule(tenant, instance, id, _owner._time.GetUtcNow() + _owner._options.BaseDelay);
            }
            catch (OperationCanceledException)
            {
                // Stopping: the row stays pending for the next process.
            }
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Webhook dispatcher resumed {Count} pending deliveries")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Webhook dispatcher could not read pending deliveries ({ErrorType}: {Error}); retrying")]
    private static partial void LogResumeFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Webhook delivery {Id} could not be attempted ({ErrorType}: {Error}); it stays pending")]
    private static partial void LogAttemptError(ILogger logger, string id, string errorType, string error);
}

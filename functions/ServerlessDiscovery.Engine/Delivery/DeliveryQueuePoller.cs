using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Webhooks;

namespace ServerlessDiscovery.Engine.Delivery;

/// <summary>
/// Standalone mode's stand-in for the host's queue trigger: receives deliveries-queue messages and hands each to the
/// same <see cref="IDeliveryQueueHandler"/>, at most Webhooks__Concurrency at once, each on its own, so a slow
/// subscriber occupies one slot and never the others. A message stays invisible longer than an attempt may take, is
/// deleted when handled, offered again when its handling threw, and moved to the "-poison" queue after
/// <see cref="MaxDequeueCount"/> tries, as the host does. An empty queue is polled less and less often, up to
/// Webhooks__PollInterval, and at once when this process sends a message that is due.
/// </summary>
internal sealed partial class DeliveryQueuePoller(
    IDeliveryQueueTransport queue,
    IDeliveryQueueHandler handler,
    DeliveryQueueSignal signal,
    IOptions<WebhooksOptions> options,
    ILogger<DeliveryQueuePoller> logger) : BackgroundService
{
    /// <summary>The Functions host's default maxDequeueCount.</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>The most messages one receive call returns.</summary>
    private const int MaxBatch = 32;

    private static readonly TimeSpan FirstIdleWait = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<Task, bool> _inFlight = new();
    private readonly CancellationTokenSource _abort = new();

    /// <summary>Longer than one attempt (Webhooks__Timeout) and the record writes around it.</summary>
    public TimeSpan VisibilityTimeout => options.Value.Timeout + TimeSpan.FromMinutes(1);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Messages in hand are finished, unless the host's shutdown timeout runs out first; an unfinished one reappears later.
        await using CancellationTokenRegistration abort = cancellationToken.Register(_abort.Cancel);
        await Task.WhenAll(_inFlight.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        WebhooksOptions settings = options.Value;
        using var slots = new SemaphoreSlim(settings.Concurrency, settings.Concurrency);
        TimeSpan idle = FirstIdleWait;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                int taken = 1;
                while (taken < MaxBatch && slots.Wait(0, CancellationToken.None))
                {
                    taken++;
                }

                IReadOnlyList<DeliveryQueueMessage> messages;
                try
                {
                    messages = await queue.ReceiveAsync(taken, VisibilityTimeout, stoppingToken);
                }
                catch
                {
                    slots.Release(taken);
                    throw;
                }

                if (taken > messages.Count)
                {
                    slots.Release(taken - messages.Count);
                }

                foreach (DeliveryQueueMessage message in messages)
                {
                    Task task = HandleAsync(message, slots);
                    _inFlight[task] = true;
                    _ = task.ContinueWith(t => _inFlight.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                if (messages.Count > 0)
                {
                    idle = FirstIdleWait;
                    continue;
                }

                await signal.WaitAsync(idle, stoppingToken);
                idle = TimeSpan.FromTicks(Math.Min(idle.Ticks * 2, settings.PollInterval.Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage unreachable (Azurite still starting, a network blip): wait as long as an idle queue would.
                LogReceiveFailed(logger, queue.Name, ex.GetType().Name, ex.Message);
                try
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task HandleAsync(DeliveryQueueMessage message, SemaphoreSlim slots)
    {
        await Task.Yield();
        CancellationToken cancellationToken = _abort.Token;
        try
        {
            await handler.HandleAsync(message.Body, cancellationToken);
            await queue.DeleteAsync(message, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the message becomes visible again after its visibility timeout.
        }
        catch (Exception ex)
        {
            LogHandleFailed(logger, message.Id, message.DequeueCount, ex.GetType().Name, ex.Message);
            if (message.DequeueCount >= MaxDequeueCount)
            {
                await MoveToPoisonAsync(message, cancellationToken);
            }
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task MoveToPoisonAsync(DeliveryQueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await queue.MoveToPoisonAsync(message, cancellationToken);
            LogPoisoned(logger, message.Id, queue.Name + "-poison");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogHandleFailed(logger, message.Id, message.DequeueCount, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 4151, Level = LogLevel.Warning, Message = "Deliveries queue {Queue} could not be read ({ErrorType}: {Error}); polling again later")]
    private static partial void LogReceiveFailed(ILogger logger, string queue, string errorType, string error);

    [LoggerMessage(EventId = 4152, Level = LogLevel.Warning, Message = "Deliveries queue message {MessageId} failed on dequeue {DequeueCount} ({ErrorType}: {Error}); it is offered again later")]
    private static partial void LogHandleFailed(ILogger logger, string messageId, long dequeueCount, string errorType, string error);

    [LoggerMessage(EventId = 4153, Level = LogLevel.Error, Message = "Deliveries queue message {MessageId} kept failing; moved to {PoisonQueue}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string poisonQueue);
}

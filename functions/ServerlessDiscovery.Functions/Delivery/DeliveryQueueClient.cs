using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Webhooks;

namespace ServerlessDiscovery.Functions.Delivery;

/// <summary>
/// The deliveries queue (and its "-poison" companion) in the AzureWebJobsStorage account: by connection string, or by
/// service URI with a managed identity. The queue is created on first use where it does not exist yet (Azurite, a new
/// standalone account); in Azure the template creates it. The host's adapter for the core's <see cref="IDeliveryQueueTransport"/>:
/// it stays with the host because the standalone poller and the readiness check use the same client.
/// </summary>
internal sealed class DeliveryQueueClient : IDeliveryQueueTransport, IDisposable
{
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly DeliveryQueueSignal _signal;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    public DeliveryQueueClient(IOptions<DeliveryQueueOptions> options, DeliveryQueueSignal signal)
    {
        DeliveryQueueOptions o = options.Value;
        // Messages are encoded by DeliveryMessage (base64) and decoded by the handler, which accepts plain JSON too.
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        QueueServiceClient service = o.ConnectionString is { } connection
            ? new QueueServiceClient(connection, clientOptions)
            : new QueueServiceClient(new Uri(o.QueueServiceUri!), Credential(o), clientOptions);
        _queue = service.GetQueueClient(o.QueueName);
        _poison = service.GetQueueClient(o.QueueName + "-poison");
        _signal = signal;
    }

    public string Name => _queue.Name;

    public void Dispose() => _createGate.Dispose();

    /// <summary>Puts an attempt on the queue, invisible for <paramref name="delay"/> (whole seconds, rounded up, as the service counts them).</summary>
    public async Task SendAsync(string message, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        TimeSpan visibility = RetrySchedule.WholeSeconds(delay);
        QueueClient queue = await QueueAsync(cancellationToken);
        await queue.SendMessageAsync(message, visibility, TimeSpan.FromSeconds(-1), cancellationToken);
        _signal.Notify(visibility);
    }

    public async Task<QueueMessage[]> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        QueueClient queue = await QueueAsync(cancellationToken);
        Response<QueueMessage[]> response = await queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken);
        return response.Value;
    }

    /// <summary>Reads the queue's properties (creating it first if needed): proves the account answers and the queue exists.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        QueueClient queue = await QueueAsync(cancellationToken);
        await queue.GetPropertiesAsync(cancellationToken);
    }

    public Task DeleteAsync(QueueMessage message, CancellationToken cancellationToken) =>
        _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);

    /// <summary>Moves a message that kept failing to the poison queue, as the Functions host does after maxDequeueCount.</summary>
    public async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body.ToString(), TimeSpan.Zero, TimeSpan.FromSeconds(-1), cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    private async ValueTask<QueueClient> QueueAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return _queue;
        }

        await _createGate.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                try
                {
                    await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 403)
                {
                    // An identity allowed to send and receive but not to create: the template created the queue.
                }

                _created = true;
            }
        }
        finally
        {
            _createGate.Release();
        }

        return _queue;
    }

    private static TokenCredential Credential(DeliveryQueueOptions options) =>
        string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(string.IsNullOrEmpty(options.ClientId) ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(options.ClientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = string.IsNullOrEmpty(options.ClientId) ? null : options.ClientId });
}

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

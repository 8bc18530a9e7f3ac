using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;

namespace ServerlessDiscovery.Storage.Delivery;

/// <summary>
/// The deliveries queue (and its "-poison" companion) in the AzureWebJobsStorage account: by connection string, or by
/// service URI with a managed identity. The queue is created on first use where it does not exist yet (Azurite, a new
/// standalone account); in Azure the template creates it. The core's <see cref="IDeliveryQueueTransport"/> on Azure.Storage.Queues,
/// for its sender, the standalone poller and the readiness check alike.
/// </summary>
internal sealed class DeliveryQueueClient : IDeliveryQueueTransport, IDisposable
{
    private readonly QueueClient _queue;
    private readonly QueueClient _poison;
    private readonly SemaphoreSlim _createGate = new(1, 1);
    private volatile bool _created;

    public DeliveryQueueClient(IOptions<DeliveryQueueOptions> options)
    {
        DeliveryQueueOptions o = options.Value;
        // Messages are encoded by DeliveryMessage (base64) and decoded by the handler, which accepts plain JSON too.
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        QueueServiceClient service = o.ConnectionString is { } connection
            ? new QueueServiceClient(connection, clientOptions)
            : new QueueServiceClient(new Uri(o.QueueServiceUri!), Credential(o), clientOptions);
        _queue = service.GetQueueClient(o.QueueName);
        _poison = service.GetQueueClient(o.QueueName + "-poison");
    }

    public string Name => _queue.Name;

    public void Dispose() => _createGate.Dispose();

    /// <summary>Sends with no expiry (a time to live of -1), so an attempt due in days is still there.</summary>
    public async Task SendAsync(string message, TimeSpan delay, CancellationToken cancellationToken = default)
    {
        QueueClient queue = await QueueAsync(cancellationToken);
        await queue.SendMessageAsync(message, delay, TimeSpan.FromSeconds(-1), cancellationToken);
    }

    public async Task<IReadOnlyList<DeliveryQueueMessage>> ReceiveAsync(int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueClient queue = await QueueAsync(cancellationToken);
        Response<QueueMessage[]> response = await queue.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken);
        return [.. response.Value.Select(m => new DeliveryQueueMessage(m.MessageId, m.PopReceipt, m.Body.ToString(), m.DequeueCount))];
    }

    public Task DeleteAsync(DeliveryQueueMessage message, CancellationToken cancellationToken = default) =>
        _queue.DeleteMessageAsync(message.Id, message.Receipt, cancellationToken);

    public async Task MoveToPoisonAsync(DeliveryQueueMessage message, CancellationToken cancellationToken = default)
    {
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, TimeSpan.Zero, TimeSpan.FromSeconds(-1), cancellationToken);
        await DeleteAsync(message, cancellationToken);
    }

    /// <summary>Reads the queue's properties (creating it first if needed): proves the account answers and the queue exists.</summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            QueueClient queue = await QueueAsync(cancellationToken);
            await queue.GetPropertiesAsync(cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            return $"The deliveries queue '{Name}' refused the request ({ex.Status} {ex.ErrorCode}).";
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or AuthenticationFailedException)
        {
            // Only the type: a connection failure's message can carry the account's address or more.
            return $"The deliveries queue '{Name}' is unreachable: {ex.GetType().Name}.";
        }
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

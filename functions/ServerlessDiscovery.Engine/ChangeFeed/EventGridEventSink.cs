using System.Text;
using Azure;
using Azure.Identity;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>Publishes change events to an Event Grid custom topic (CloudEvents 1.0 schema), in batches under the size limit.</summary>
internal sealed class EventGridEventSink : IEventSink
{
    private readonly EventGridPublisherClient _client;
    private readonly int _maxBatchBytes;
    private readonly Uri _endpoint;

    public EventGridEventSink(IOptions<EventGridOptions> options)
    {
        EventGridOptions o = options.Value;
        _endpoint = new Uri(o.TopicEndpoint!);
        _maxBatchBytes = o.MaxBatchBytes;
        var clientOptions = new EventGridPublisherClientOptions();
        clientOptions.Retry.MaxRetries = 2;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        _client = !string.IsNullOrEmpty(o.TopicKey)
            ? new EventGridPublisherClient(_endpoint, new AzureKeyCredential(o.TopicKey), clientOptions)
            : new EventGridPublisherClient(
                _endpoint,
                string.IsNullOrEmpty(o.ClientId) ? new DefaultAzureCredential() : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(o.ClientId)),
                clientOptions);
    }

    public string Name => "eventGrid";

    public async Task PublishAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        var batch = new List<CloudEvent>();
        int batchBytes = 0;
        foreach (ChangeEvent change in events)
        {
            CloudEvent cloudEvent = ToCloudEvent(change, out int size);
            if (batch.Count > 0 && batchBytes + size > _maxBatchBytes)
            {
                await _client.SendEventsAsync(batch, cancellationToken);
                batch = [];
                batchBytes = 0;
            }

            batch.Add(cloudEvent);
            batchBytes += size;
        }

        if (batch.Count > 0)
        {
            await _client.SendEventsAsync(batch, cancellationToken);
        }
    }

    public Task<string?> CheckAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);

    private static CloudEvent ToCloudEvent(ChangeEvent change, out int size)
    {
        string data = change.Data.ToJsonString();
        var cloudEvent = new CloudEvent(change.Source, change.Type, BinaryData.FromString(data), "application/json", CloudEventDataFormat.Json)
        {
            Id = change.Id,
            Subject = change.Subject,
            Time = change.Time,
        };

        // The envelope adds a few hundred bytes of attributes to the data.
        size = Encoding.UTF8.GetByteCount(data) + Encoding.UTF8.GetByteCount(change.Source) + Encoding.UTF8.GetByteCount(change.Subject) + 256;
        return cloudEvent;
    }
}

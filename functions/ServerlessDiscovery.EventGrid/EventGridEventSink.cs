using System.Text;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.EventGrid;

/// <summary>Publishes change events to an Event Grid custom topic (CloudEvents 1.0 schema), in batches under the size limit.</summary>
internal sealed class EventGridEventSink : IEventSink
{
    private readonly EventGridPublisherClient _client;
    private readonly int _maxBatchBytes;

    public EventGridEventSink(IOptions<EventGridOptions> options)
    {
        _maxBatchBytes = options.Value.MaxBatchBytes;
        _client = EventGridPublishing.CreateClient(options.Value);
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

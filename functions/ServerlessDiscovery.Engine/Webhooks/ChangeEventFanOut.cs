using Microsoft.Extensions.Logging;
using System.Security.Cryptography;
using System.Text;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.Engine.Webhooks;

/// <summary>
/// Turns change events into deliveries for the subscriptions whose events filter matches them: JSON arrays of
/// CloudEvents (structured batch mode), each under the delivery size limit. Delivery ids derive from the events and
/// the subscription, so fanning out the same events twice queues nothing new.
/// </summary>
internal sealed partial class ChangeEventFanOut(IWebhookStore webhooks, DeliveryQueue queue, TimeProvider time, ILogger<ChangeEventFanOut> logger)
{
    public const string ContentType = "application/cloudevents-batch+json";

    public async Task<int> FanOutAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken = default)
    {
        var deliveries = new List<WebhookDelivery>();
        foreach (IGrouping<(string Tenant, string Instance), ChangeEvent> group in events.GroupBy(e => (e.Tenant, e.InstanceId)))
        {
            IReadOnlyList<WebhookSubscription> subscriptions = await webhooks.ListAsync(group.Key.Tenant, group.Key.Instance, cancellationToken);
            foreach (WebhookSubscription subscription in subscriptions.Where(s => s.Events.Count > 0))
            {
                ChangeEvent[] matching = [.. group.Where(e => subscription.WantsEvent(e.Type))];
                foreach ((byte[] body, IReadOnlyList<string> ids) in Batches(matching))
                {
                    DateTimeOffset now = time.GetUtcNow();
                    deliveries.Add(new WebhookDelivery
                    {
                        Tenant = subscription.Tenant,
                        InstanceId = subscription.InstanceId,
                        Id = DeliveryId(subscription.Key, ids),
                        SubscriptionKey = subscription.Key,
                        Kind = "events",
                        ContentType = ContentType,
                        Body = body,
                        NextAttemptAt = now,
                        CreatedAt = now,
                        UpdatedAt = now,
                    });
                }
            }
        }

        if (deliveries.Count > 0)
        {
            await queue.EnqueueAsync(deliveries, cancellationToken);
        }

        return deliveries.Count;
    }

    /// <summary>"e" and 40 hex characters of SHA-256 over the subscription key and the event ids.</summary>
    public static string DeliveryId(string subscriptionKey, IEnumerable<string> eventIds) =>
        "e" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subscriptionKey + "\n" + string.Join('\n', eventIds))))[..40];

    private IEnumerable<(byte[] Body, IReadOnlyList<string> Ids)> Batches(IReadOnlyList<ChangeEvent> events)
    {
        var batch = new List<byte[]>();
        var ids = new List<string>();
        int size = 2;
        foreach (ChangeEvent change in events)
        {
            byte[] json = Encoding.UTF8.GetBytes(change.ToCloudEventJson().ToJsonString());
            if (json.Length + 2 > WebhookDelivery.MaxBodyBytes)
            {
                LogTooLarge(logger, change.Id, json.Length);
                continue;
            }

            if (batch.Count > 0 && size + json.Length + 1 > WebhookDelivery.MaxBodyBytes)
            {
                yield return (Join(batch), ids);
                batch = [];
                ids = [];
                size = 2;
            }

            batch.Add(json);
            ids.Add(change.Id);
            size += json.Length + 1;
        }

        if (batch.Count > 0)
        {
            yield return (Join(batch), ids);
        }
    }

    private static byte[] Join(List<byte[]> items)
    {
        using var buffer = new MemoryStream();
        buffer.WriteByte((byte)'[');
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                buffer.WriteByte((byte)',');
            }

            buffer.Write(items[i]);
        }

        buffer.WriteByte((byte)']');
        return buffer.ToArray();
    }

    [LoggerMessage(EventId = 4121, Level = LogLevel.Warning, Message = "Change event {Id} is {Bytes} bytes, over the webhook delivery limit; it is not sent to webhooks")]
    private static partial void LogTooLarge(ILogger logger, string id, int bytes);
}

/// <summary>Without an Event Grid topic the in-process event sink hands every relayed change event to webhooks through this.</summary>
internal sealed class ChangeEventWebhookSubscriber(ChangeEventFanOut fanOut) : IChangeEventSubscriber
{
    public Task OnEventsAsync(IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken) => fanOut.FanOutAsync(events, cancellationToken);
}

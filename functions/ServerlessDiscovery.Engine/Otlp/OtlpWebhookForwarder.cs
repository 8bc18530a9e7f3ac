using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Webhooks;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Transcoding;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Queues an accepted OTLP request for every webhook of the tenant's opentelemetry instances: OTLP JSON by default,
/// protobuf for subscriptions whose headers ask for application/x-protobuf, split into parts under the delivery limit.
/// </summary>
internal sealed partial class OtlpWebhookForwarder(
    IInstanceStore instances, IWebhookStore webhooks, DeliveryQueue queue, TimeProvider time, ILogger<OtlpWebhookForwarder> logger) : IOtlpForwarder
{
    public async Task ForwardAsync(string tenant, string signal, ReadOnlyMemory<byte> body, bool isProtobuf, CancellationToken cancellationToken)
    {
        try
        {
            IReadOnlyList<WebhookSubscription> subscriptions = await SubscriptionsAsync(tenant, cancellationToken);

            if (subscriptions.Count == 0)
            {
                return;
            }

            OtlpEncoding from = isProtobuf ? OtlpEncoding.Protobuf : OtlpEncoding.Json;
            var parts = new Dictionary<OtlpEncoding, IReadOnlyList<byte[]>>();
            var deliveries = new List<WebhookDelivery>();
            DateTimeOffset now = time.GetUtcNow();
            foreach (WebhookSubscription subscription in subscriptions)
            {
                OtlpEncoding to = subscription.WantsProtobuf ? OtlpEncoding.Protobuf : OtlpEncoding.Json;
                if (!parts.TryGetValue(to, out IReadOnlyList<byte[]>? encoded))
                {
                    encoded = OtlpTranscoder.Split(body, signal, from, to, WebhookDelivery.MaxBodyBytes);
                    parts[to] = encoded;
                }

                foreach (byte[] part in encoded)
                {
                    if (part.Length > WebhookDelivery.MaxBodyBytes)
                    {
                        LogPartTooLarge(logger, tenant, signal, part.Length);
                        continue;
                    }

                    deliveries.Add(new WebhookDelivery
                    {
                        Tenant = subscription.Tenant,
                        InstanceId = subscription.InstanceId,
                        Id = Guid.CreateVersion7(now).ToString("N"),
                        SubscriptionKey = subscription.Key,
                        Kind = "otlp." + signal,
                        ContentType = to == OtlpEncoding.Protobuf ? "application/x-protobuf" : "application/json",
                        Body = part,
                        NextAttemptAt = now,
                        CreatedAt = now,
                        UpdatedAt = now,
                    });
                }
            }

            await queue.EnqueueAsync(deliveries, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The OTLP request itself succeeded; a forwarding failure is reported here and never to the exporter.
            LogForwardFailed(logger, tenant, signal, ex.GetType().Name, ex.Message);
        }
    }

    /// <summary>
    /// The tenant's OTLP subscriptions, read at most every <see cref="CacheFor"/> per tenant (sooner after this process
    /// changed a subscription): OTLP traffic would otherwise cost two table queries per request.
    /// </summary>
    private async Task<IReadOnlyList<WebhookSubscription>> SubscriptionsAsync(string tenant, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        int generation = webhooks.Generation;
        if (_cache.TryGetValue(tenant, out Cached? cached) && cached.Expires > now && cached.Generation == generation)
        {
            return cached.Subscriptions;
        }

        var subscriptions = new List<WebhookSubscription>();
        foreach (PluginInstance instance in (await instances.ListAsync(tenant, cancellationToken)).Where(i => i.PluginType == OpenTelemetryPluginType.TypeId))
        {
            subscriptions.AddRange(await webhooks.ListAsync(tenant, instance.Id, cancellationToken));
        }

        _cache[tenant] = new Cached(subscriptions, now + CacheFor, generation);
        return subscriptions;
    }

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    private sealed record Cached(IReadOnlyList<WebhookSubscription> Subscriptions, DateTimeOffset Expires, int Generation);

    [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Forwarding OTLP {Signal} of tenant {Tenant} to webhooks failed ({ErrorType}: {Error})")]
    private static partial void LogForwardFailed(ILogger logger, string tenant, string signal, string errorType, string error);

    [LoggerMessage(EventId = 4142, Level = LogLevel.Warning, Message = "An OTLP {Signal} part of tenant {Tenant} is {Bytes} bytes even alone (one huge span or record); it is not forwarded")]
    private static partial void LogPartTooLarge(ILogger logger, string tenant, string signal, int bytes);
}

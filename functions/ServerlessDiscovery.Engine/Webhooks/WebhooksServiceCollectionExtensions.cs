using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Delivery;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Engine.Webhooks;

public static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Webhook subscriptions and delivery: delivery records, sending, the deliveries queue's one handler and, with
    /// <paramref name="pollQueue"/> (standalone), the poller that reads the queue; under the Functions host the Deliver
    /// queue trigger does. The queue itself (<see cref="Domain.Webhooks.IDeliveryQueueTransport"/>) is the host's to
    /// register. Without EventGrid__TopicEndpoint change events fan out here in-process; with it they come back through
    /// the topic's subscription to the queue.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration, bool pollQueue)
    {
        services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                // The engine registers the one address policy; every connection of a delivery goes through it.
                SocketsHttpHandler handler = sp.GetRequiredService<AddressPolicy>().CreateHandler();
                handler.AllowAutoRedirect = false;
                return handler;
            })
            .RemoveAllLoggers();

        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliverer>();
        services.AddSingleton<DeliveryQueueSignal>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliverySweep>();
        services.AddSingleton<ChangeEventFanOut>();
        services.AddSingleton<IOtlpForwarder, OtlpWebhookForwarder>();
        services.AddSingleton<IDeliveryQueueHandler, DeliveryQueueHandler>();
        if (pollQueue)
        {
            services.AddHostedService<DeliveryQueuePoller>();
        }

        if (!EventGridOptions.IsConfigured(configuration))
        {
            services.AddSingleton<IChangeEventSubscriber, ChangeEventWebhookSubscriber>();
        }

        return services;
    }
}

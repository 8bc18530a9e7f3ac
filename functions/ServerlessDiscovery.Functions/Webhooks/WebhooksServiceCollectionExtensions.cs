using ServerlessDiscovery.Engine.Otlp;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Delivery;
using ServerlessDiscovery.Engine.Webhooks;
using ServerlessDiscovery.Functions.Delivery;
using ServerlessDiscovery.Http.Hosting;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Functions.Webhooks;

internal static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Webhook subscriptions and delivery: delivery records, the deliveries queue and its one handler. Standalone a
    /// poller reads the queue; under the Functions host the Deliver queue trigger does. Without EventGrid__TopicEndpoint
    /// change events fan out here in-process; with it they come back through the topic's subscription to the queue.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddOptions<DeliveryQueueOptions>().Configure<IConfiguration>(DeliveryQueueOptions.Bind).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryQueueOptions>, DeliveryQueueOptionsValidator>();
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
        services.AddSingleton<DeliveryQueueClient>();
        services.AddSingleton<IDeliveryQueueTransport>(sp => sp.GetRequiredService<DeliveryQueueClient>());
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliverySweep>();
        services.AddSingleton<ChangeEventFanOut>();
        services.AddSingleton<IOtlpForwarder, OtlpWebhookForwarder>();
        services.AddSingleton<IDeliveryQueueHandler, DeliveryQueueHandler>();
        if (mode == HostingMode.Standalone)
        {
            services.AddHostedService<DeliveryQueuePoller>();
        }

        if (string.IsNullOrWhiteSpace(configuration[$"{EventGridOptions.Section}:{nameof(EventGridOptions.TopicEndpoint)}"]))
        {
            services.AddSingleton<IChangeEventSubscriber, ChangeEventWebhookSubscriber>();
        }

        return services;
    }
}

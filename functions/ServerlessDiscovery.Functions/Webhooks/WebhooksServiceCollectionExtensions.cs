using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Functions.Delivery;

namespace ServerlessDiscovery.Functions.Webhooks;

internal static class WebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Webhook subscriptions and delivery. Without EventGrid__TopicEndpoint deliveries are sent by the in-process
    /// dispatcher; with it each becomes an Event Grid event for the Deliver function.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhooksOptions>().BindConfiguration(WebhooksOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhooksOptions>, WebhooksOptionsValidator>();
        services.AddSingleton<AddressPolicy>();
        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectCallback = sp.GetRequiredService<AddressPolicy>().ConnectAsync,
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
            })
            .RemoveAllLoggers();

        services.AddSingleton<WebhookStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliverer>();
        services.AddSingleton<DeliveryQueue>();
        services.AddSingleton<DeliverySweep>();
        services.AddSingleton<ChangeEventFanOut>();
        services.AddSingleton<IOtlpForwarder, OtlpWebhookForwarder>();
        services.TryAddSingleton<IDeliveryProcessor, WebhookDeliveryProcessor>();

        if (string.IsNullOrWhiteSpace(configuration[$"{EventGridOptions.Section}:{nameof(EventGridOptions.TopicEndpoint)}"]))
        {
            services.AddSingleton<StandaloneDeliveryDispatcher>();
            services.AddSingleton<IDeliveryDispatch>(sp => sp.GetRequiredService<StandaloneDeliveryDispatcher>());
            services.AddHostedService(sp => sp.GetRequiredService<StandaloneDeliveryDispatcher>());
            services.AddSingleton<IChangeEventSubscriber, ChangeEventWebhookSubscriber>();
        }
        else
        {
            services.AddSingleton<IDeliveryDispatch, EventGridDeliveryDispatch>();
        }

        return services;
    }
}

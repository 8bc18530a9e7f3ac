using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Findings;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Engine.Security;
using ServerlessDiscovery.Plugins.Egress;

namespace ServerlessDiscovery.Engine;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// Registers the discovery engine: plugin catalog, instances, scans, inventory writer and change feed, and the egress
    /// address policy that the plugins' HttpClient (and the webhooks') connects through. The ports it works through
    /// (the domain's stores) and, when a topic is configured, the Event Grid sink are the host's to register, e.g.
    /// AddTableStorage() and AddEventGridPublishing().
    /// </summary>
    public static IServiceCollection AddDiscoveryEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<EgressOptions>().BindConfiguration(EgressOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EgressOptions>, EgressOptionsValidator>();
        services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        services.AddSingleton<AddressPolicy>();
        services.AddHttpClient("plugins").ConfigurePrimaryHttpMessageHandler(sp => sp.GetRequiredService<AddressPolicy>().CreateHandler());

        services.AddOptions<SecretsOptions>().BindConfiguration(SecretsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecretsOptions>, SecretsOptionsValidator>();
        services.AddOptions<DiscoveryOptions>().BindConfiguration(DiscoveryOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DiscoveryOptions>, DiscoveryOptionsValidator>();
        services.AddOptions<EventGridOptions>().BindConfiguration(EventGridOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EventGridOptions>, EventGridOptionsValidator>();
        services.AddOptions<ChangeLogOptions>().BindConfiguration(ChangeLogOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChangeLogOptions>, ChangeLogOptionsValidator>();
        services.AddOptions<ConfiguredInstancesValidator.Marker>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConfiguredInstancesValidator.Marker>, ConfiguredInstancesValidator>();

        services.AddSingleton<SecretProtector>();
        services.AddOptions<PluginPackagesOptions>().BindConfiguration(PluginPackagesOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PluginPackagesOptions>, PluginPackagesOptionsValidator>();
        services.AddSingleton<PluginCatalog>();
        services.AddSingleton<ConfiguredInstances>();
        services.AddSingleton<Domain.Instances.IInstanceSecrets, InstanceSecrets>();
        services.AddSingleton<InstanceValidator>();
        services.AddSingleton<Domain.Webhooks.IWebhookSecrets, Webhooks.WebhookSecrets>();
        services.AddSingleton<InstanceReconciler>();
        services.AddSingleton<InventoryWriter>();
        services.AddSingleton<ObservationWriter>();
        services.AddSingleton<UsageRows>();
        services.AddSingleton<Inventory.DiscoveryReset>();
        services.AddSingleton<DeclaredIndexCache>();
        services.AddSingleton<ObservationResolver>();
        services.AddSingleton<FindingsEvaluator>();
        services.AddSingleton<ChangeLog>();
        services.AddSingleton<OutboxRelay>();
        services.AddSingleton<HostIdentity>();
        services.AddSingleton<ScanRunner>();
        services.AddSingleton<DiscoveryScheduler>();

        // With EventGrid__TopicEndpoint set the host registers the Event Grid adapter's sink (AddEventGridPublishing()).
        if (!EventGridOptions.IsConfigured(configuration))
        {
            services.AddSingleton<IEventSink, InProcessEventSink>();
        }

        return services;
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.ChangeFeed;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Storage.ChangeFeed;
using ServerlessDiscovery.Storage.Inventory;
using ServerlessDiscovery.Domain.Bom;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Domain.Availability;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Storage.Bom;
using ServerlessDiscovery.Storage.Delivery;
using ServerlessDiscovery.Storage.Findings;
using ServerlessDiscovery.Storage.Instances;
using ServerlessDiscovery.Storage.Journal;
using ServerlessDiscovery.Storage.Mappings;
using ServerlessDiscovery.Storage.Scans;
using ServerlessDiscovery.Storage.Webhooks;

namespace ServerlessDiscovery.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers Table Storage (Storage__*) and the stores that implement the domain's ports on it. The hosts call
    /// this; nothing above this project sees a table, a row or a column.
    /// </summary>
    public static IServiceCollection AddTableStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton<TableStore>();

        // Inventory: assets, usage, edges, outbox and change log.
        services.AddSingleton<TableInventoryStore>();
        services.AddSingleton<IInventoryStore>(sp => sp.GetRequiredService<TableInventoryStore>());
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<TableInventoryStore>());
        services.AddSingleton<IChangeLogStore, TableChangeLogStore>();

        // Instances, scans, webhooks and deliveries, tool mappings, BOM versions.
        services.AddSingleton<IInstanceStore, TableInstanceStore>();
        services.AddSingleton<IScanStore, TableScanStore>();
        services.AddSingleton<IWebhookStore, TableWebhookStore>();
        services.AddSingleton<IDeliveryStore, TableDeliveryStore>();
        services.AddSingleton<IBomVersionStore, TableBomVersionStore>();

        // Findings: a tenant's findings and their evaluation watermark.
        services.AddSingleton<IFindingStore, TableFindingStore>();

        // Tool mappings (OpenCITE's map-tool).
        services.AddSingleton<IToolMappingStore, TableToolMappingStore>();

        // Observations and availability: the OTLP write-ahead journal, the quarantine, outage classification and readiness.
        services.AddSingleton<IObservationJournal, TableObservationJournal>();
        services.AddSingleton<IQuarantine, TableQuarantine>();
        services.AddSingleton<IStorageAvailability, TableStorageAvailability>();
        return services;
    }

    /// <summary>
    /// Registers the deliveries queue (DELIVERIES_QUEUE in the AzureWebJobsStorage account, the one the Functions host's
    /// queue trigger reads) as the core's <see cref="IDeliveryQueueTransport"/>. The hosts call this beside AddTableStorage().
    /// </summary>
    public static IServiceCollection AddStorageDeliveryQueue(this IServiceCollection services)
    {
        services.AddOptions<DeliveryQueueOptions>().Configure<IConfiguration>(DeliveryQueueOptions.Bind).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DeliveryQueueOptions>, DeliveryQueueOptionsValidator>();
        services.AddSingleton<IDeliveryQueueTransport, DeliveryQueueClient>();
        return services;
    }
}

using System.Collections.Concurrent;
using ServerlessDiscovery.Domain.Availability;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// The extractor for a tenant: it applies the service_names filter of the tenant's opentelemetry instance (the one
/// trace-derived assets are written to), re-read at most every <see cref="RefreshAfter"/>. All extractors share one
/// attributor, so cross-batch attribution is unaffected. When the lookup fails because storage is down, the last known
/// extractor is kept for <see cref="RetryFailedAfter"/> more, so an outage does not make every request wait on storage.
/// </summary>
public sealed class TenantExtractors(TraceAttributor attributor, IInstanceStore instances, IStorageAvailability storage, TimeProvider time)
{
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan RetryFailedAfter = TimeSpan.FromSeconds(5);
    private readonly TraceAssetExtractor _unfiltered = new(attributor);
    private readonly ConcurrentDictionary<string, (TraceAssetExtractor Extractor, DateTimeOffset Expires)> _byTenant = new(StringComparer.Ordinal);

    public async ValueTask<TraceAssetExtractor> ForTenantAsync(string tenant, CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_byTenant.TryGetValue(tenant, out var cached) && cached.Expires > now)
        {
            return cached.Extractor;
        }

        IReadOnlyList<PluginInstance> tenantInstances;
        try
        {
            tenantInstances = await instances.ListAsync(tenant, cancellationToken);
        }
        catch (Exception ex) when (cached.Extractor is not null && storage.IsOutage(ex, cancellationToken))
        {
            _byTenant[tenant] = (cached.Extractor, now + RetryFailedAfter);
            return cached.Extractor;
        }

        TraceAssetExtractor extractor = _unfiltered;
        if (TraceFlusher.TraceInstance(tenantInstances) is { } instance
            && PluginConfiguration.Validate(new OpenTelemetryPluginType(), instance.Config).Configuration is { } config)
        {
            TraceExtractionOptions options = OpenTelemetryPluginType.ExtractionOptions(config);
            if (options.ServiceNames.Count > 0)
            {
                extractor = new TraceAssetExtractor(attributor, options);
            }
        }

        _byTenant[tenant] = (extractor, now + RefreshAfter);
        return extractor;
    }
}

using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Functions.Otlp;

/// <summary>
/// Writes the buffered trace observations every Otlp__FlushInterval (and once more at shutdown) into the tenant's
/// opentelemetry instance, creating one named "otlp" if the tenant has none. A failed flush puts its data back.
/// </summary>
public sealed partial class TraceFlusher(
    TraceObservationBuffer buffer,
    ObservationWriter writer,
    InstanceStore instances,
    OutboxRelay relay,
    TimeProvider time,
    IOptions<OtlpOptions> options,
    ILogger<TraceFlusher> logger) : BackgroundService
{
    public const string PluginTypeId = "opentelemetry";
    public const string DefaultInstanceId = "otlp";
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Writes everything buffered now; returns the entity writes made.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            int writes = 0;
            foreach ((string tenant, (IReadOnlyList<ObservedAsset> assets, IReadOnlyList<DiscoveredEdge> edges)) in buffer.Drain())
            {
                try
                {
                    string instanceId = await ResolveInstanceAsync(tenant, cancellationToken);
                    int written = await writer.ApplyAsync(tenant, instanceId, assets, edges, cancellationToken);
                    writes += written;
                    LogFlushed(logger, tenant, assets.Count, edges.Count, written);
                    await relay.RelayAsync(tenant, instanceId, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    buffer.Restore(tenant, assets, edges);
                    LogFlushFailed(logger, tenant, assets.Count, ex.GetType().Name, ex.Message);
                }
            }

            return writes;
        }
        finally
        {
            _flushing.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.FlushInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            await FlushAsync(CancellationToken.None);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (buffer.PendingAssets > 0)
        {
            await FlushAsync(cancellationToken);
        }
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        base.Dispose();
    }

    /// <summary>The instance trace-derived assets of a tenant belong to: its opentelemetry instance with the lowest id.</summary>
    internal static PluginInstance? TraceInstance(IEnumerable<PluginInstance> tenantInstances) =>
        tenantInstances.Where(i => i.PluginType == PluginTypeId).OrderBy(i => i.Id, StringComparer.Ordinal).FirstOrDefault();

    private async Task<string> ResolveInstanceAsync(string tenant, CancellationToken cancellationToken)
    {
        if (TraceInstance(await instances.ListAsync(tenant, cancellationToken)) is { } existing)
        {
            return existing.Id;
        }

        DateTimeOffset now = time.GetUtcNow();
        await instances.AddAsync(new PluginInstance
        {
            Tenant = tenant,
            Id = DefaultInstanceId,
            PluginType = PluginTypeId,
            DisplayName = "OpenTelemetry (created by the first OTLP request)",
            Enabled = false,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken);
        return DefaultInstanceId;
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Flushed tenant {Tenant}: {Assets} assets and {Edges} edges observed, {Writes} entity writes")]
    private static partial void LogFlushed(ILogger logger, string tenant, int assets, int edges, int writes);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Writing {Count} trace-derived assets of tenant {Tenant} failed ({ErrorType}: {Error}); they are kept for the next flush")]
    private static partial void LogFlushFailed(ILogger logger, string tenant, int count, string errorType, string error);
}

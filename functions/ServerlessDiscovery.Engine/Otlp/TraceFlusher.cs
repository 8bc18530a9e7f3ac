using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Drains the OTLP write-ahead journal every Otlp__FlushInterval (at start-up too, for what a previous process left,
/// and once more at shutdown): claims the rows any host journaled, merges them per tenant into one write per distinct
/// asset and applies them through <see cref="ObservationWriter"/> into the tenant's opentelemetry instance (creating one
/// named "otlp" if the tenant has none), then deletes them. A tenant whose write fails keeps its rows for a later drain
/// (its claim runs out after <see cref="Lease"/>) without holding back any other tenant; a row that cannot be read, or
/// has failed <see cref="MaxAttempts"/> times, is quarantined. A request revealing an asset this host has not seen
/// (<see cref="Observed"/>) brings the next drain forward, at most once per <see cref="EarlyDrainSpacing"/>: new assets are
/// listed within about 2 s of the request, while counters of known assets keep waiting for the interval. An early drain
/// is an ordinary drain (claims, drain ids, quarantine), so the journal's guarantees are unchanged.
/// </summary>
public sealed partial class TraceFlusher(
    IObservationJournal journal,
    IQuarantine quarantine,
    ObservationWriter writer,
    IInstanceStore instances,
    OutboxRelay relay,
    Domain.Findings.IFindingStore findings,
    TimeProvider time,
    IOptions<OtlpOptions> options,
    ILogger<TraceFlusher> logger) : BackgroundService
{
    public const string PluginTypeId = "opentelemetry";
    public const string DefaultInstanceId = "otlp";

    /// <summary>
    /// How long a drain holds the rows it claimed: two flush intervals, at least 5 s and at most a minute. A host that
    /// dies mid-drain (or whose drain lost storage half-way, early drains included) loses them to another after this, so
    /// a long interval does not keep acknowledged rows from the inventory for hours. A drain that overruns it loses its
    /// rows to the next holder, whose lineage extends its id: an asset the overrunning drain wrote first is not counted
    /// again (the README states the bound for the other order).
    /// </summary>
    public TimeSpan Lease => TimeSpan.FromTicks(Math.Clamp(options.Value.FlushInterval.Ticks * 2, MinLease.Ticks, MaxLease.Ticks));

    private static readonly TimeSpan MinLease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxLease = TimeSpan.FromMinutes(1);

    /// <summary>Claims of one journal row before it is quarantined.</summary>
    public const int MaxAttempts = 10;

    /// <summary>Least time between the start of a drain and an early drain after it.</summary>
    public static readonly TimeSpan EarlyDrainSpacing = TimeSpan.FromSeconds(1);

    /// <summary>Assets remembered as seen (all tenants) before the memory starts over; starting over costs at most one early drain a second.</summary>
    private const int MaxSeenAssets = 100_000;

    private const int ClaimBytes = 4 * 1024 * 1024;
    private const int MaxPasses = 8;
    private const int MaxRowsPerPass = 5_000;
    private static readonly Meter Meter = new("ServerlessDiscovery.Otlp");
    private static readonly Counter<long> QuarantinedRows = Meter.CreateCounter<long>("sd.otlp.journal.quarantined", description: "OTLP journal rows set aside unread or after repeated failures");
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private readonly SemaphoreSlim _earlyDrain = new(0, 1);
    private readonly ConcurrentDictionary<(string Tenant, string Type, string Id), byte> _seen = new();

    /// <summary>
    /// Notes the assets a journaled request of <paramref name="tenant"/> named; when one is new to this host (and
    /// Otlp__EarlyDrain is on), asks for an early drain. Never blocks the request.
    /// </summary>
    public void Observed(string tenant, IReadOnlyList<DiscoveredAsset> assets)
    {
        bool revealed = false;
        foreach (DiscoveredAsset asset in assets)
        {
            revealed |= _seen.TryAdd((tenant, asset.Type, asset.Id), 0);
        }

        if (_seen.Count > MaxSeenAssets)
        {
            _seen.Clear();
        }

        if (revealed && options.Value.EarlyDrain && _earlyDrain.CurrentCount == 0)
        {
            try
            {
                _earlyDrain.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another request asked at the same moment: one early drain serves both.
            }
        }
    }

    /// <summary>Drains the journal now; returns the entity writes made.</summary>
    public async Task<int> FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken);
        try
        {
            int writes = 0;
            for (int pass = 0; pass < MaxPasses; pass++)
            {
                Dictionary<(string Tenant, string Drain), Drain> drains;
                string drainId = $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
                try
                {
                    drains = await ClaimAsync(drainId, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogClaimFailed(logger, ex.GetType().Name, ex.Message);
                    break;
                }

                if (drains.Count == 0)
                {
                    break;
                }

                foreach (((string tenant, string claimedAs), Drain drain) in drains)
                {
                    // The rows' lineage is what the inventory remembers this application by (see JournalEntry.DrainId).
                    writes += await ApplyAsync(tenant, claimedAs, drain, cancellationToken);
                }
            }

            return writes;
        }
        finally
        {
            _flushing.Release();
        }
    }

    private async Task<Dictionary<(string Tenant, string Drain), Drain>> ClaimAsync(string drainId, CancellationToken cancellationToken)
    {
        var drains = new Dictionary<(string, string), Drain>();
        int assets = 0, rows = 0;
        // Bounded per pass (distinct assets and rows), so a pass ends under sustained load and memory stays flat.
        while (assets < options.Value.MaxPendingAssets && rows < MaxRowsPerPass)
        {
            IReadOnlyList<JournalEntry> entries = await journal.ClaimAsync(drainId, Lease, ClaimBytes, cancellationToken);
            if (entries.Count == 0)
            {
                break;
            }

            rows += entries.Count;

            foreach (JournalEntry entry in entries)
            {
                if (entry.Attempts > MaxAttempts)
                {
                    await QuarantineAsync(entry, $"not applied after {MaxAttempts} attempts", cancellationToken);
                    continue;
                }

                if (!drains.TryGetValue((entry.Tenant, entry.DrainId), out Drain? drain))
                {
                    drains[(entry.Tenant, entry.DrainId)] = drain = new Drain();
                }

                int before = drain.Aggregate.AssetCount;
                try
                {
                    JournalPayload.Decode(entry.Payload, drain.Aggregate);
                }
                catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NullReferenceException or ArgumentException)
                {
                    await QuarantineAsync(entry, $"unreadable journal payload ({ex.GetType().Name})", cancellationToken);
                    continue;
                }

                drain.Entries.Add(entry with { Payload = [] });
                assets += drain.Aggregate.AssetCount - before;
            }
        }

        return drains;
    }

    private async Task<int> ApplyAsync(string tenant, string drainId, Drain drain, CancellationToken cancellationToken)
    {
        IReadOnlyList<ObservedAsset> assets = drain.Aggregate.Assets();
        IReadOnlyList<DiscoveredEdge> edges = drain.Aggregate.Edges();
        try
        {
            string instanceId = await ResolveInstanceAsync(tenant, cancellationToken);
            int written = await writer.ApplyAsync(tenant, instanceId, assets, edges, drainId, cancellationToken);
            // Written: the tenant's findings are due again (after the writes, so an evaluation that misses them sees the mark).
            await findings.MarkObservedAsync(tenant, time.GetUtcNow(), cancellationToken);
            await journal.CompleteAsync(drain.Entries, cancellationToken);
            LogFlushed(logger, tenant, assets.Count, edges.Count, written);
            await relay.RelayAsync(tenant, instanceId, cancellationToken);
            return written;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFlushFailed(logger, tenant, assets.Count, ex.GetType().Name, ex.Message);
            return 0;
        }
    }

    private async Task QuarantineAsync(JournalEntry entry, string reason, CancellationToken cancellationToken)
    {
        await quarantine.AddAsync(entry.Tenant, "otlp-journal-row", entry.Id, reason, cancellationToken);
        await journal.CompleteAsync([entry], cancellationToken);
        QuarantinedRows.Add(1);
        LogRowQuarantined(logger, entry.Tenant, entry.Id, reason);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // What a previous process journaled but did not apply is drained first.
        DateTimeOffset lastDrain = time.GetUtcNow();
        await FlushAsync(CancellationToken.None);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await WaitForDrainAsync(lastDrain + options.Value.FlushInterval - time.GetUtcNow(), stoppingToken))
                {
                    TimeSpan since = time.GetUtcNow() - lastDrain;
                    if (since < EarlyDrainSpacing)
                    {
                        await Task.Delay(EarlyDrainSpacing - since, time, stoppingToken);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }

            lastDrain = time.GetUtcNow();
            await FlushAsync(CancellationToken.None);
        }
    }

    /// <summary>Waits for the interval to run out (false) or for an early drain to be asked for (true).</summary>
    private async Task<bool> WaitForDrainAsync(TimeSpan wait, CancellationToken stoppingToken)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task interval = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, done.Token);
        Task asked = _earlyDrain.WaitAsync(done.Token);
        Task first = await Task.WhenAny(interval, asked);
        await done.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
        // A request asking at the moment the interval ran out is served by this drain: its release is consumed or left for the next.
        return first == asked && asked.IsCompletedSuccessfully;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Best effort: what is not drained now stays in the journal for the next drain on any host.
        await FlushAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _flushing.Dispose();
        _earlyDrain.Dispose();
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

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Writing {Count} trace-derived assets of tenant {Tenant} failed ({ErrorType}: {Error}); they stay in the journal for a later drain")]
    private static partial void LogFlushFailed(ILogger logger, string tenant, int count, string errorType, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Claiming OTLP journal rows failed ({ErrorType}: {Error}); the next drain tries again")]
    private static partial void LogClaimFailed(ILogger logger, string errorType, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Quarantined OTLP journal row {RowKey} of tenant {Tenant}: {Reason}")]
    private static partial void LogRowQuarantined(ILogger logger, string tenant, string rowKey, string reason);

    /// <summary>The journal rows of one tenant under one drain lineage, merged.</summary>
    private sealed class Drain
    {
        public ObservationAggregate Aggregate { get; } = new();

        public List<JournalEntry> Entries { get; } = [];
    }
}

using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An asset seen in telemetry since the last flush, with the usage counted for it in that time.</summary>
public sealed record ObservedAsset(DiscoveredAsset Asset, long Invocations, long InputTokens, long OutputTokens, DateTimeOffset? LastInvoked)
{
    public DateTimeOffset? FirstInvoked { get; init; }

    /// <summary>"service:{name}" / "agent:{name}" that invoked it.</summary>
    public IReadOnlyCollection<string> Callers { get; init; } = [];

    public ObservedUsage Usage => new(Invocations, InputTokens, OutputTokens, FirstInvoked, LastInvoked, Callers);
}

/// <summary>
/// Writes what telemetry observed since the last flush: new assets are created, attributes only ever gain keys (the
/// first value seen for a key stays), usage counters are added to the stored totals, lastSeen moves forward. Content
/// changes bump the version and emit an event; counter-only changes are one merge per asset and no event. Every write
/// is conditional on the stored version, so two hosts flushing the same asset never lose each other's counts. A drain id
/// (the OTLP journal's) is remembered on each asset it wrote, so applying the same drain again after a crash adds nothing.
/// An asset the store refuses (it should not happen: values are bounded before they are journaled) is quarantined and
/// reported; the others are written.
/// </summary>
public sealed partial class ObservationWriter(
    IInventoryStore store,
    InventoryWriter writer,
    IQuarantine quarantine,
    TimeProvider time,
    ILogger<ObservationWriter> logger,
    Resolution.ObservationResolver resolver)
{
    /// <summary>How many recent drain ids an asset remembers.</summary>
    public const int RememberedDrains = 16;

    private const int ChunkSize = 50;
    private const int MaxAttempts = 5;
    private static readonly Meter Meter = new("ServerlessDiscovery.Inventory");
    private static readonly Counter<long> Quarantined = Meter.CreateCounter<long>("sd.observations.quarantined", description: "Trace-derived assets set aside because the table refused them");

    /// <summary>
    /// Applies the observations of one tenant's instance; returns entity writes made. With a <paramref name="drainId"/>,
    /// assets that already record that drain are skipped (their counts are in).
    /// </summary>
    public async Task<int> ApplyAsync(string tenant, string instanceId, IReadOnlyCollection<ObservedAsset> observed, IReadOnlyCollection<DiscoveredEdge> edges, string? drainId = null, CancellationToken cancellationToken = default)
    {
        // Identities that resolve to a declared asset count on it, not on a trace-derived duplicate.
        Resolution.Diversion diversion = await resolver.DivertAsync(tenant, observed, drainId, cancellationToken);
        (observed, edges) = (diversion.Unresolved, diversion.Rewrite(edges));
        string flushId = Domain.Scans.ScanRun.NewRunId(time.GetUtcNow());
        var scan = new ScanIdentity(tenant, instanceId, flushId, Force: false);
        int writes = 0, sequence = 0;
        ObservedAsset[] ordered = [.. observed.OrderBy(o => o.Asset.Type, StringComparer.Ordinal).ThenBy(o => o.Asset.Id, StringComparer.Ordinal)];

        foreach (ObservedAsset[] chunk in ordered.Chunk(ChunkSize))
        {
            for (int attempt = 1; ; attempt++)
            {
                IReadOnlyDictionary<AssetKey, Asset> stored = await store.ReadAssetsAsync(tenant, instanceId, [.. chunk.Select(o => new AssetKey(o.Asset.Type, o.Asset.Id))], cancellationToken);
                DateTimeOffset now = time.GetUtcNow();
                int chunkSequence = sequence;
                var plan = new List<PlannedChange>(chunk.Length);
                foreach (ObservedAsset o in chunk)
                {
                    plan.Add(Plan(scan, o, stored.GetValueOrDefault(new AssetKey(o.Asset.Type, o.Asset.Id)), drainId, ref chunkSequence, now));
                }

                try
                {
                    writes += (await store.CommitAsync(tenant, instanceId, plan, cancellationToken)).Writes;
                    sequence = chunkSequence;
                    break;
                }
                catch (WriteConflictException) when (attempt < MaxAttempts)
                {
                    // Another host wrote one of these assets first: read them again and recount on top of its write.
                }
                catch (InventoryRefusedException) when (chunk.Length > 1)
                {
                    // The store refused something in the chunk: write its assets one by one so only the bad one is set aside.
                    foreach (ObservedAsset single in chunk)
                    {
                        writes += await ApplyAsync(tenant, instanceId, [single], [], drainId, cancellationToken);
                    }

                    break;
                }
                catch (InventoryRefusedException ex)
                {
                    DiscoveredAsset asset = chunk[0].Asset;
                    await quarantine.AddAsync(tenant, "asset", $"{asset.Type}/{asset.Id}", $"the table cannot hold the asset row ({ex.Message})", cancellationToken);
                    Quarantined.Add(1);
                    LogQuarantined(logger, tenant, asset.Type, asset.Id.Length > 200 ? asset.Id[..200] : asset.Id, ex.Message);
                    break;
                }
            }
        }

        CommitResult edgeWrites = await writer.WriteEdgesAsync(scan, edges, new Dictionary<string, string?>(), time.GetUtcNow(), cancellationToken);
        return writes + edgeWrites.Writes + diversion.Writes;
    }

    private static PlannedChange Plan(ScanIdentity scan, ObservedAsset o, Asset? stored, string? drainId, ref int sequence, DateTimeOffset now)
    {
        string? drains = Remember(stored?.Drains, drainId, out bool applied);
        if (applied)
        {
            return new PlannedChange(null, null);
        }

        if (stored is null)
        {
            Asset created = InventoryWriter.Create(scan, o.Asset, ContentHash.Compute(o.Asset), 1, now, now) with { Usage = o.Usage.AddTo(null), Drains = drains };
            return InventoryWriter.Planned(new PutAsset(created, IfAbsent: true),
                AssetDocument.Event(scan, ++sequence, ChangeEventTypes.AssetCreated, created, null, ["created"], now));
        }

        var attributes = (System.Text.Json.Nodes.JsonObject)stored.Attributes.DeepClone();
        var added = new List<string>();
        foreach ((string key, System.Text.Json.Nodes.JsonNode? value) in o.Asset.Attributes)
        {
            if (!attributes.ContainsKey(key))
            {
                attributes[key] = value?.DeepClone();
                added.Add("attributes." + key);
            }
        }

        DiscoveredAsset merged = o.Asset with { Name = stored.Name ?? o.Asset.Name, Attributes = attributes };
        string hash = ContentHash.Compute(merged);
        UsageTotals usage = o.Usage.AddTo(stored.Usage);
        bool inactive = stored.State != AssetState.Active;
        if (hash == stored.Hash && !inactive)
        {
            return PlannedChange.Of(new TouchAsset(stored.Key, now, usage, drains, stored.ETag));
        }

        Asset next = InventoryWriter.Create(scan, merged, hash, stored.Version + 1, stored.FirstSeen ?? now, now) with { Usage = usage, Drains = drains ?? stored.Drains };
        string type = inactive ? ChangeEventTypes.AssetRestored : ChangeEventTypes.AssetUpdated;
        return InventoryWriter.Planned(new PutAsset(next, IfMatch: stored.ETag),
            AssetDocument.Event(scan, ++sequence, type, next, null, inactive ? ["state", .. added] : added, now));
    }

    /// <summary>
    /// The asset's drain list with <paramref name="drainId"/> added (the oldest dropped past <see cref="RememberedDrains"/>);
    /// <paramref name="applied"/> when it, or any drain it descends from, is already there. A re-application of rows of a
    /// failed drain comes as their lineage <c>{drain}:{re-claiming drain}…</c> (the journal's): it counts as applied when
    /// that lineage or one it extends was applied to this asset (those rows' counts are in, however the rows came back
    /// split), and never because another part of the same failed drain was applied.
    /// </summary>
    internal static string? Remember(string? stored, string? drainId, out bool applied)
    {
        string[] ids = stored?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        applied = drainId is not null && ids.Any(id => drainId.StartsWith(id, StringComparison.Ordinal)
            && (id.Length == drainId.Length || drainId[id.Length] == ':'));
        if (drainId is null)
        {
            return stored;
        }

        return string.Join(' ', ids.Append(drainId).TakeLast(RememberedDrains));
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Error, Message = "Quarantined trace-derived asset {Type}/{Id} of tenant {Tenant}: the table refused it ({Error}); other assets are written")]
    private static partial void LogQuarantined(ILogger logger, string tenant, string type, string id, string error);
}

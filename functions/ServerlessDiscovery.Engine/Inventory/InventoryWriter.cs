using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>What one scan changed in the inventory: what its record keeps, and how the writes went.</summary>
public sealed record InventoryChanges : ScanChanges
{
    /// <summary>Atomic batches (entity group transactions) sent.</summary>
    public int Transactions { get; init; }

    public int Events { get; init; }
}

/// <summary>Identifies the scan whose findings are written.</summary>
public sealed record ScanIdentity(string Tenant, string InstanceId, string RunId, bool Force);

/// <summary>
/// The one path by which scan findings reach the inventory. The writer reads the instance's inventory once, works out
/// what changed by content hash, and commits only changes, each with its CloudEvent, through <see cref="IInventoryStore"/>
/// (atomic batches, so a change and its event are stored together or not at all). Events carry the asset joined with its
/// usage, so a declared asset that traces use is published as <c>both</c>.
/// </summary>
public sealed class InventoryWriter(IInventoryStore store, TimeProvider time, IOptions<DiscoveryOptions> options)
{
    /// <summary>Most event text kept whole; a larger event travels without the asset's attributes (the API has them).</summary>
    private const int MaxEventChars = 200_000;

    internal async Task<InventoryChanges> ApplyAsync(
        ScanIdentity scan,
        IReadOnlyCollection<DiscoveredAsset> assets,
        IReadOnlyCollection<DiscoveredEdge> edges,
        IReadOnlyDictionary<string, string?> scopes,
        CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        InstanceInventory existing = await store.ReadInstanceAsync(scan.Tenant, scan.InstanceId, cancellationToken);

        var plan = new List<PlannedChange>();
        int created = 0, updated = 0, unchanged = 0, deleted = 0, stale = 0, restored = 0;
        var seen = new HashSet<AssetKey>();
        int sequence = 0;

        // Key order makes a scan's events come out in the same order on every run and host.
        foreach (DiscoveredAsset asset in assets.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
        {
            var key = new AssetKey(asset.Type, asset.Id);
            if (!seen.Add(key))
            {
                continue;
            }

            string hash = ContentHash.Compute(asset);
            Asset? stored = existing.Assets.GetValueOrDefault(key);
            if (stored is not null && stored.State == AssetState.Active && stored.Hash == hash)
            {
                unchanged++;
                if (now - (stored.LastSeen ?? DateTimeOffset.MinValue) >= options.Value.LastSeenRefresh)
                {
                    plan.Add(PlannedChange.Of(new TouchAsset(key, now)));
                }

                continue;
            }

            string eventType;
            IReadOnlyList<string> changes;
            if (stored is null)
            {
                created++;
                eventType = ChangeEventTypes.AssetCreated;
                changes = ["created"];
            }
            else if (stored.State != AssetState.Active)
            {
                restored++;
                eventType = ChangeEventTypes.AssetRestored;
                changes = InventoryRules.Changes(stored.Name, stored.Scope, stored.Attributes, asset, includeState: true);
            }
            else
            {
                updated++;
                eventType = ChangeEventTypes.AssetUpdated;
                changes = InventoryRules.Changes(stored.Name, stored.Scope, stored.Attributes, asset, includeState: false);
            }

            Asset next = Create(scan, asset, hash, (stored?.Version ?? 0) + 1, firstSeen: stored?.FirstSeen ?? now, now);
            plan.Add(Planned(new PutAsset(next), AssetDocument.Event(scan, ++sequence, eventType, next, existing.Usage.GetValueOrDefault(key), changes, now)));
        }

        int activeBefore = existing.Assets.Values.Count(a => a.State != AssetState.Deleted);
        foreach (Asset stored in existing.Assets.Values.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
        {
            if (seen.Contains(stored.Key))
            {
                continue;
            }

            string scope = stored.Scope ?? string.Empty;
            string? next = InventoryRules.MissingAssetState(stored.State, scope, scopes);
            if (next == AssetState.Deleted)
            {
                deleted++;
                string reason = $"Not found in fully observed scope '{scope}' by scan {scan.RunId}.";
                plan.Add(Transition(scan, stored, existing.Usage.GetValueOrDefault(stored.Key), AssetState.Deleted, reason, ChangeEventTypes.AssetDeleted, ++sequence, now));
            }
            else if (next == AssetState.Stale)
            {
                stale++;
                string reason = $"Scope '{scope}' could not be read by scan {scan.RunId}: {scopes[scope]}";
                plan.Add(Transition(scan, stored, existing.Usage.GetValueOrDefault(stored.Key), AssetState.Stale, reason, ChangeEventTypes.AssetStale, ++sequence, now));
            }
        }

        if (!scan.Force && deleted > 0 && activeBefore > 0 && (double)deleted / activeBefore > options.Value.DeletionGuardRatio)
        {
            return new InventoryChanges
            {
                Unchanged = unchanged,
                Refusal = $"The scan would delete {deleted} of {activeBefore} active assets ({100.0 * deleted / activeBefore:0.#} %), more than the " +
                    $"{options.Value.DeletionGuardRatio:P0} allowed by Discovery__DeletionGuardRatio. Nothing was written; refresh with force=true to apply it.",
            };
        }

        CommitResult assetsWritten = await store.CommitAsync(scan.Tenant, scan.InstanceId, plan, cancellationToken);
        CommitResult edgesWritten = await WriteEdgesAsync(scan, edges, scopes, now, cancellationToken);
        return new InventoryChanges
        {
            Created = created,
            Updated = updated,
            Unchanged = unchanged,
            Deleted = deleted,
            Stale = stale,
            Restored = restored,
            EntityWrites = assetsWritten.Writes + edgesWritten.Writes,
            Transactions = assetsWritten.Batches + edgesWritten.Batches,
            Events = sequence,
        };
    }

    /// <summary>Adds events that belong to no asset change (scan completed/failed, findings) to the instance's outbox.</summary>
    internal async Task AppendEventsAsync(string tenant, string instanceId, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        await store.CommitAsync(tenant, instanceId, [.. events.Select(e => Planned(null, e))], cancellationToken);
    }

    /// <summary>An asset as a scan (or a trace flush) reports it, active, with the writer's bookkeeping.</summary>
    internal static Asset Create(ScanIdentity scan, DiscoveredAsset asset, string hash, long version, DateTimeOffset firstSeen, DateTimeOffset now) => new()
    {
        Tenant = scan.Tenant,
        Instance = scan.InstanceId,
        Type = asset.Type,
        Id = asset.Id,
        Name = asset.Name,
        Scope = asset.Scope,
        State = AssetState.Active,
        Hash = hash,
        Version = version,
        FirstSeen = firstSeen,
        LastSeen = now,
        LastChanged = now,
        StateChangedAt = now,
        LastRunId = scan.RunId,
        // Stored in canonical form (sorted keys), as the content hash reads it.
        Attributes = JsonNode.Parse(ContentHash.Canonical(asset.Attributes)) as JsonObject ?? [],
    };

    /// <summary>The asset moved to <paramref name="state"/> (a tombstone with its reason, or stale), version bumped, with its event.</summary>
    internal static PlannedChange Transition(ScanIdentity scan, Asset stored, AssetUsage? usage, string state, string reason, string eventType, int sequence, DateTimeOffset now)
    {
        Asset next = stored with
        {
            State = state,
            Reason = reason,
            StateChangedAt = now,
            Version = stored.Version + 1,
            LastRunId = scan.RunId,
            ETag = null,
        };
        return Planned(new PutAsset(next), AssetDocument.Event(scan, sequence, eventType, next, usage, ["state"], now));
    }

    /// <summary>A write with its event as the outbox stores it; an asset too large for the outbox travels without its attributes.</summary>
    internal static PlannedChange Planned(InventoryWrite? write, ChangeEvent? change)
    {
        if (change is null)
        {
            return new PlannedChange(write, null);
        }

        string json = change.ToCloudEventJson().ToJsonString();
        if (json.Length > MaxEventChars)
        {
            JsonObject data = (JsonObject)change.Data.DeepClone();
            if (data["asset"] is JsonObject asset)
            {
                asset["attributes"] = null;
                asset["attributes_omitted"] = true;
            }

            json = (change with { Data = data }).ToCloudEventJson().ToJsonString();
        }

        return new PlannedChange(write, new OutboxEvent(change.Id, json));
    }

    /// <summary>Writes the edges a scan (or a trace flush) reported; those missing from a fully observed scope are retired.</summary>
    internal async Task<CommitResult> WriteEdgesAsync(
        ScanIdentity scan, IReadOnlyCollection<DiscoveredEdge> edges, IReadOnlyDictionary<string, string?> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<EdgeKey, Edge> existing = await store.ReadEdgesAsync(scan.Tenant, scan.InstanceId, cancellationToken);
        var plan = new List<InventoryWrite>();
        var seen = new HashSet<EdgeKey>();
        foreach (DiscoveredEdge edge in edges)
        {
            var key = new EdgeKey(edge.SourceType, edge.SourceId, edge.Relationship, edge.TargetType, edge.TargetId);
            if (!seen.Add(key))
            {
                continue;
            }

            if (existing.TryGetValue(key, out Edge? stored) && stored.State == AssetState.Active && stored.Scope == edge.Scope)
            {
                continue;
            }

            plan.Add(new PutEdge(new Edge
            {
                Tenant = scan.Tenant,
                Instance = scan.InstanceId,
                SourceType = edge.SourceType,
                SourceId = edge.SourceId,
                Relationship = edge.Relationship,
                TargetType = edge.TargetType,
                TargetId = edge.TargetId,
                Scope = edge.Scope,
                State = AssetState.Active,
                FirstSeen = now,
                StateChangedAt = now,
            }));
        }

        foreach ((EdgeKey key, Edge stored) in existing)
        {
            if (!seen.Contains(key) && stored.State == AssetState.Active
                && scopes.TryGetValue(stored.Scope ?? string.Empty, out string? error) && error is null)
            {
                plan.Add(new RetireEdge(key, now));
            }
        }

        return plan.Count == 0 ? default : await store.CommitEdgesAsync(scan.Tenant, scan.InstanceId, plan, cancellationToken);
    }
}

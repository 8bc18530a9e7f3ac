using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>One asset of an inventory kept outside Table Storage (the `sd scan --state` file), with the writer's bookkeeping.</summary>
public sealed record SnapshotAsset
{
    public required string Type { get; init; }

    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Scope { get; init; }

    public JsonObject Attributes { get; init; } = [];

    /// <summary><see cref="ContentHash.Compute"/> of the asset as last reported.</summary>
    public required string Hash { get; init; }

    public required string State { get; init; }

    public string? Reason { get; init; }

    public long Version { get; init; } = 1;

    public DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset LastSeen { get; init; }
}

/// <summary>One change a scan made to a snapshot: the kind (the change feed's created, updated, deleted, stale, restored), the asset and the fields that changed.</summary>
public sealed record SnapshotChange(string Kind, string Type, string Id, string Name, IReadOnlyList<string> Fields, string? Reason);

/// <summary>A snapshot after a scan, and what the scan changed in it.</summary>
public sealed record SnapshotResult(IReadOnlyList<SnapshotAsset> Assets, IReadOnlyList<SnapshotChange> Changes, InventoryChanges Counts);

/// <summary>
/// Applies a scan's findings to an inventory snapshot with the inventory writer's rules: unchanged when the content hash
/// matches, a version bump otherwise, deletion only for assets missing from a fully observed scope, stale for a failed
/// scope's assets, restore when a deleted or stale asset comes back (<see cref="InventoryRules"/>).
/// </summary>
public static class SnapshotInventory
{
    public static SnapshotResult Apply(
        IReadOnlyCollection<SnapshotAsset> previous, IReadOnlyCollection<DiscoveredAsset> assets, IReadOnlyDictionary<string, string?> scopes, string scanLabel, DateTimeOffset now)
    {
        var before = new Dictionary<(string, string), SnapshotAsset>();
        foreach (SnapshotAsset asset in previous)
        {
            before[(asset.Type, asset.Id)] = asset;
        }

        var next = new List<SnapshotAsset>();
        var changes = new List<SnapshotChange>();
        var seen = new HashSet<(string, string)>();
        int created = 0, updated = 0, unchanged = 0, deleted = 0, stale = 0, restored = 0;
        foreach (DiscoveredAsset asset in assets.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
        {
            if (!seen.Add((asset.Type, asset.Id)))
            {
                continue;
            }

            string hash = ContentHash.Compute(asset);
            before.TryGetValue((asset.Type, asset.Id), out SnapshotAsset? old);
            var current = new SnapshotAsset
            {
                Type = asset.Type,
                Id = asset.Id,
                Name = asset.Name,
                Scope = asset.Scope,
                Attributes = (JsonObject)asset.Attributes.DeepClone(),
                Hash = hash,
                State = AssetState.Active,
                Version = old?.Version ?? 1,
                FirstSeen = old?.FirstSeen ?? now,
                LastSeen = now,
            };
            if (old is { State: AssetState.Active } && old.Hash == hash)
            {
                unchanged++;
                next.Add(current);
                continue;
            }

            (string kind, List<string> fields) = old switch
            {
                null => ("created", ["created"]),
                { State: not AssetState.Active } => ("restored", InventoryRules.Changes(old.Name, old.Scope, old.Attributes, asset, includeState: true)),
                _ => ("updated", InventoryRules.Changes(old.Name, old.Scope, old.Attributes, asset, includeState: false)),
            };
            if (old is null)
            {
                created++;
            }
            else if (kind == "restored")
            {
                restored++;
            }
            else
            {
                updated++;
            }

            next.Add(current with { Version = (old?.Version ?? 0) + 1 });
            changes.Add(new SnapshotChange(kind, asset.Type, asset.Id, asset.Name, fields, null));
        }

        foreach (SnapshotAsset old in previous.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
        {
            if (seen.Contains((old.Type, old.Id)))
            {
                continue;
            }

            string? state = InventoryRules.MissingAssetState(old.State, old.Scope, scopes);
            if (state is null)
            {
                next.Add(old);
                continue;
            }

            string reason = state == AssetState.Deleted
                ? $"Not found in fully observed scope '{old.Scope}' by {scanLabel}."
                : $"Scope '{old.Scope}' could not be read by {scanLabel}: {scopes[old.Scope]}";
            if (state == AssetState.Deleted)
            {
                deleted++;
            }
            else
            {
                stale++;
            }

            next.Add(old with { State = state, Reason = reason, Version = old.Version + 1 });
            changes.Add(new SnapshotChange(state, old.Type, old.Id, old.Name, ["state"], reason));
        }

        return new SnapshotResult(next, changes, new InventoryChanges
        {
            Created = created,
            Updated = updated,
            Unchanged = unchanged,
            Deleted = deleted,
            Stale = stale,
            Restored = restored,
            Events = changes.Count,
        });
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// The inventory's evidence rules, defined once for the table writer (<see cref="InventoryWriter"/>) and for one-shot
/// scans that keep their inventory in a file (<see cref="SnapshotInventory"/>, `sd scan --state`).
/// </summary>
public static class InventoryRules
{
    /// <summary>
    /// What becomes of an asset a scan did not report: <see cref="AssetState.Deleted"/> when the scan fully observed its
    /// scope, <see cref="AssetState.Stale"/> when an active asset's scope failed, and null (unchanged) otherwise: a scope
    /// the scan did not report, or reported incomplete or unavailable, deletes nothing.
    /// </summary>
    public static string? MissingAssetState(string? state, string scope, IReadOnlyDictionary<string, string?> scopes)
    {
        if (!scopes.TryGetValue(scope, out string? error))
        {
            return null;
        }

        return error is null
            ? state == AssetState.Deleted ? null : AssetState.Deleted
            : state == AssetState.Active ? AssetState.Stale : null;
    }

    /// <summary>The fields that differ between a stored asset and what the scan reported: state, name, scope, attributes.{key}.</summary>
    public static List<string> Changes(string? name, string? scope, JsonObject before, DiscoveredAsset asset, bool includeState)
    {
        var changes = new List<string>();
        if (includeState)
        {
            changes.Add("state");
        }

        if (name != asset.Name)
        {
            changes.Add("name");
        }

        if (scope != asset.Scope)
        {
            changes.Add("scope");
        }

        foreach (string key in before.Select(p => p.Key).Union(asset.Attributes.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            string old = ContentHash.Canonical(before[key]);
            string now = ContentHash.Canonical(asset.Attributes[key]);
            if (old != now || before.ContainsKey(key) != asset.Attributes.ContainsKey(key))
            {
                changes.Add("attributes." + key);
            }
        }

        return changes;
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An asset's JSON form in the API and in change events, joined with its usage when traces resolved to it.</summary>
public static class AssetDocument
{
    /// <summary>The asset as the API and events show it; <paramref name="usage"/> is its usage when traces resolved to it.</summary>
    public static JsonObject ToJson(Asset asset, AssetUsage? usage = null)
    {
        var json = new JsonObject
        {
            ["type"] = asset.Type,
            ["id"] = asset.Id,
            ["name"] = asset.Name,
            ["tenant"] = asset.Tenant,
            ["instance"] = asset.Instance,
            ["scope"] = asset.Scope,
            ["state"] = asset.State,
            ["version"] = asset.Version,
            ["first_seen"] = asset.FirstSeen,
            ["last_seen"] = asset.LastSeen,
            ["last_changed"] = asset.LastChanged,
            ["attributes"] = asset.Attributes.DeepClone(),
            ["attribute_sources"] = Provenance.AttributeSources(asset),
            ["provenance"] = Provenance.Of(asset, usage),
            ["observed"] = Provenance.ObservedJson(asset, usage),
            // OpenCITE's clients filter and label items by metadata.integration_ids; an integration is a tenant here.
            ["metadata"] = new JsonObject { ["integration_ids"] = new JsonArray(asset.Tenant) },
        };
        if (asset.Usage is { } counted)
        {
            json["usage"] = new JsonObject
            {
                ["invocations"] = counted.Invocations,
                ["input_tokens"] = counted.InputTokens,
                ["output_tokens"] = counted.OutputTokens,
                ["last_invoked"] = counted.LastInvoked,
            };
        }

        if (asset.Reason is { } reason)
        {
            json["reason"] = reason;
            json["state_changed_at"] = asset.StateChangedAt;
        }

        return json;
    }

    /// <summary>
    /// The change event of an asset change: the asset (joined with its usage, so a declared asset traces use is
    /// published as <c>both</c> with its observed block), its version, the run and what changed.
    /// </summary>
    public static ChangeEvent Event(ScanIdentity scan, int sequence, string type, Asset asset, AssetUsage? usage, IReadOnlyList<string> changes, DateTimeOffset now)
    {
        var data = new JsonObject
        {
            ["tenant"] = scan.Tenant,
            ["instance"] = scan.InstanceId,
            ["scan_run_id"] = scan.RunId,
            ["version"] = asset.Version,
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["asset"] = ToJson(asset, usage),
        };
        if (asset.Reason is { } reason && type is ChangeEventTypes.AssetDeleted or ChangeEventTypes.AssetStale)
        {
            data["reason"] = reason;
        }

        return new ChangeEvent($"{scan.RunId}-{sequence:D6}", type, ChangeEvent.SourceFor(scan.Tenant, scan.InstanceId), $"assets/{asset.Type}/{asset.Id}", now, data);
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Plugins;
using Azure;
using Azure.Data.Tables;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>The asset row layout in the "assets" table, and its JSON form in events and the API.</summary>
internal static class AssetRows
{
    public static TableEntity Create(
        string partition, string rowKey, ScanIdentity scan, DiscoveredAsset asset, string hash, long version, string state, string? reason,
        DateTimeOffset firstSeen, DateTimeOffset lastSeen, DateTimeOffset changedAt)
    {
        var row = new TableEntity(partition, rowKey)
        {
            ["Tenant"] = scan.Tenant,
            ["Instance"] = scan.InstanceId,
            ["Type"] = asset.Type,
            ["Id"] = asset.Id,
            ["Name"] = asset.Name,
            ["Scope"] = asset.Scope,
            ["State"] = state,
            ["Hash"] = hash,
            ["Version"] = version,
            ["FirstSeen"] = firstSeen,
            ["LastSeen"] = lastSeen,
            ["LastChanged"] = changedAt,
            ["StateChangedAt"] = changedAt,
            ["LastRunId"] = scan.RunId,
        };
        if (reason is not null)
        {
            row["Reason"] = reason;
        }

        LargeText.Write(row, "Attributes", ContentHash.Canonical(asset.Attributes));
        return row;
    }

    /// <summary>The asset as the API and events show it.</summary>
    public static JsonObject ToJson(TableEntity row)
    {
        var json = new JsonObject
        {
            ["type"] = row.GetString("Type"),
            ["id"] = row.GetString("Id"),
            ["name"] = row.GetString("Name"),
            ["tenant"] = row.GetString("Tenant"),
            ["instance"] = row.GetString("Instance"),
            ["scope"] = row.GetString("Scope"),
            ["state"] = row.GetString("State"),
            ["version"] = row.GetInt64("Version"),
            ["first_seen"] = row.GetDateTimeOffset("FirstSeen"),
            ["last_seen"] = row.GetDateTimeOffset("LastSeen"),
            ["last_changed"] = row.GetDateTimeOffset("LastChanged"),
            ["attributes"] = JsonNode.Parse(LargeText.Read(row, "Attributes") ?? "{}"),
        };
        if (row.GetInt64("Invocations") is { } invocations)
        {
            json["usage"] = new JsonObject
            {
                ["invocations"] = invocations,
                ["input_tokens"] = row.GetInt64("InputTokens") ?? 0,
                ["output_tokens"] = row.GetInt64("OutputTokens") ?? 0,
                ["last_invoked"] = row.GetDateTimeOffset("LastInvoked"),
            };
        }

        if (row.GetString("Reason") is { } reason)
        {
            json["reason"] = reason;
            json["state_changed_at"] = row.GetDateTimeOffset("StateChangedAt");
        }

        return json;
    }

    public static ChangeEvent Event(ScanIdentity scan, string source, int sequence, string type, TableEntity row, IReadOnlyList<string> changes, DateTimeOffset now)
    {
        var data = new JsonObject
        {
            ["tenant"] = scan.Tenant,
            ["instance"] = scan.InstanceId,
            ["scan_run_id"] = scan.RunId,
            ["version"] = row.GetInt64("Version"),
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["asset"] = ToJson(row),
        };
        if (row.GetString("Reason") is { } reason && type is ChangeEventTypes.AssetDeleted or ChangeEventTypes.AssetStale)
        {
            data["reason"] = reason;
        }

        return new ChangeEvent($"{scan.RunId}-{sequence:D6}", type, source, $"assets/{row.GetString("Type")}/{row.GetString("Id")}", now, data);
    }
}

/// <summary>The edge row layout in the "edges" table.</summary>
internal static class EdgeRows
{
    public static string RowKey(DiscoveredEdge e) => StorageKeys.Escape(
        string.Join(StorageKeys.Separator, e.SourceType, StorageKeys.Escape(e.SourceId), e.Relationship, e.TargetType, StorageKeys.Escape(e.TargetId)));

    public static TableEntity Create(string partition, string rowKey, ScanIdentity scan, DiscoveredEdge edge, DateTimeOffset now) => new(partition, rowKey)
    {
        ["Tenant"] = scan.Tenant,
        ["Instance"] = scan.InstanceId,
        ["SourceType"] = edge.SourceType,
        ["SourceId"] = edge.SourceId,
        ["Relationship"] = edge.Relationship,
        ["TargetType"] = edge.TargetType,
        ["TargetId"] = edge.TargetId,
        ["Scope"] = edge.Scope,
        ["State"] = AssetState.Active,
        ["FirstSeen"] = now,
        ["StateChangedAt"] = now,
    };

    public static JsonObject ToJson(TableEntity row) => new()
    {
        ["source_type"] = row.GetString("SourceType"),
        ["source_id"] = row.GetString("SourceId"),
        ["relationship"] = row.GetString("Relationship"),
        ["target_type"] = row.GetString("TargetType"),
        ["target_id"] = row.GetString("TargetId"),
        ["instance"] = row.GetString("Instance"),
        ["state"] = row.GetString("State"),
        ["first_seen"] = row.GetDateTimeOffset("FirstSeen"),
    };
}

using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;

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
            [AssetColumns.Tenant] = scan.Tenant,
            [AssetColumns.Instance] = scan.InstanceId,
            [AssetColumns.Type] = asset.Type,
            [AssetColumns.Id] = asset.Id,
            [AssetColumns.Name] = asset.Name,
            [AssetColumns.Scope] = asset.Scope,
            [AssetColumns.State] = state,
            [AssetColumns.Hash] = hash,
            [AssetColumns.Version] = version,
            [AssetColumns.FirstSeen] = firstSeen,
            [AssetColumns.LastSeen] = lastSeen,
            [AssetColumns.LastChanged] = changedAt,
            [AssetColumns.StateChangedAt] = changedAt,
            [AssetColumns.LastRunId] = scan.RunId,
        };
        if (reason is not null)
        {
            row[AssetColumns.Reason] = reason;
        }

        LargeText.Write(row, AssetColumns.Attributes, ContentHash.Canonical(asset.Attributes));
        return row;
    }

    /// <summary>A copy of a stored row to write back: every stored column, without the read-only service columns.</summary>
    public static TableEntity Copy(TableEntity row)
    {
        var next = new TableEntity(row.PartitionKey, row.RowKey);
        foreach ((string name, object value) in row)
        {
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                next[name] = value;
            }
        }

        return next;
    }

    /// <summary>The asset as the API and events show it; <paramref name="usage"/> is its usage row when traces resolved to it.</summary>
    public static JsonObject ToJson(TableEntity row, TableEntity? usage = null)
    {
        JsonObject attributes = JsonNode.Parse(LargeText.Read(row, AssetColumns.Attributes) ?? "{}") as JsonObject ?? [];
        var json = new JsonObject
        {
            ["type"] = row.GetString(AssetColumns.Type),
            ["id"] = row.GetString(AssetColumns.Id),
            ["name"] = row.GetString(AssetColumns.Name),
            ["tenant"] = row.GetString(AssetColumns.Tenant),
            ["instance"] = row.GetString(AssetColumns.Instance),
            ["scope"] = row.GetString(AssetColumns.Scope),
            ["state"] = row.GetString(AssetColumns.State),
            ["version"] = row.GetInt64(AssetColumns.Version),
            ["first_seen"] = row.GetDateTimeOffset(AssetColumns.FirstSeen),
            ["last_seen"] = row.GetDateTimeOffset(AssetColumns.LastSeen),
            ["last_changed"] = row.GetDateTimeOffset(AssetColumns.LastChanged),
            ["attributes"] = attributes,
            ["attribute_sources"] = Provenance.AttributeSources(row, attributes),
            ["provenance"] = Provenance.Of(row, usage),
            ["observed"] = Provenance.ObservedJson(row, usage),
            // OpenCITE's clients filter and label items by metadata.integration_ids; an integration is a tenant here.
            ["metadata"] = new JsonObject { ["integration_ids"] = new JsonArray(row.GetString(AssetColumns.Tenant)) },
        };
        if (row.GetInt64(AssetColumns.Invocations) is { } invocations)
        {
            json["usage"] = new JsonObject
            {
                ["invocations"] = invocations,
                ["input_tokens"] = row.GetInt64(AssetColumns.InputTokens) ?? 0,
                ["output_tokens"] = row.GetInt64(AssetColumns.OutputTokens) ?? 0,
                ["last_invoked"] = row.GetDateTimeOffset(AssetColumns.LastInvoked),
            };
        }

        if (row.GetString(AssetColumns.Reason) is { } reason)
        {
            json["reason"] = reason;
            json["state_changed_at"] = row.GetDateTimeOffset(AssetColumns.StateChangedAt);
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
            ["version"] = row.GetInt64(AssetColumns.Version),
            ["changes"] = new JsonArray([.. changes.Select(c => (JsonNode?)JsonValue.Create(c))]),
            ["asset"] = ToJson(row),
        };
        if (row.GetString(AssetColumns.Reason) is { } reason && type is ChangeEventTypes.AssetDeleted or ChangeEventTypes.AssetStale)
        {
            data["reason"] = reason;
        }

        return new ChangeEvent($"{scan.RunId}-{sequence:D6}", type, source, $"assets/{row.GetString(AssetColumns.Type)}/{row.GetString(AssetColumns.Id)}", now, data);
    }
}

/// <summary>The edge row layout in the "edges" table.</summary>
internal static class EdgeRows
{
    public static string RowKey(DiscoveredEdge e) => StorageKeys.Escape(
        string.Join(StorageKeys.Separator, e.SourceType, StorageKeys.Escape(e.SourceId), e.Relationship, e.TargetType, StorageKeys.Escape(e.TargetId)));

    public static TableEntity Create(string partition, string rowKey, ScanIdentity scan, DiscoveredEdge edge, DateTimeOffset now) => new(partition, rowKey)
    {
        [EdgeColumns.Tenant] = scan.Tenant,
        [EdgeColumns.Instance] = scan.InstanceId,
        [EdgeColumns.SourceType] = edge.SourceType,
        [EdgeColumns.SourceId] = edge.SourceId,
        [EdgeColumns.Relationship] = edge.Relationship,
        [EdgeColumns.TargetType] = edge.TargetType,
        [EdgeColumns.TargetId] = edge.TargetId,
        [EdgeColumns.Scope] = edge.Scope,
        [EdgeColumns.State] = AssetState.Active,
        [EdgeColumns.FirstSeen] = now,
        [EdgeColumns.StateChangedAt] = now,
    };

    public static JsonObject ToJson(TableEntity row) => new()
    {
        ["source_type"] = row.GetString(EdgeColumns.SourceType),
        ["source_id"] = row.GetString(EdgeColumns.SourceId),
        ["relationship"] = row.GetString(EdgeColumns.Relationship),
        ["target_type"] = row.GetString(EdgeColumns.TargetType),
        ["target_id"] = row.GetString(EdgeColumns.TargetId),
        ["instance"] = row.GetString(EdgeColumns.Instance),
        ["state"] = row.GetString(EdgeColumns.State),
        ["first_seen"] = row.GetDateTimeOffset(EdgeColumns.FirstSeen),
    };
}

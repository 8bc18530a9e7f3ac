using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Storage.Inventory;

/// <summary>
/// The "assets" table's layout: an instance's partition ({tenant}~{instance}) holds its asset rows ({type}~{escaped id}),
/// the usage rows of its declared assets ("!usage~{asset RowKey}") and its outbox rows ("!outbox~{first event id}");
/// and the mapping between those rows and the domain's <see cref="Asset"/> and <see cref="AssetUsage"/>.
/// </summary>
public static class InventoryRows
{
    public const string UsagePrefix = "!usage~";
    public const string OutboxPrefix = "!outbox~";

    /// <summary>The usage row key of an asset.</summary>
    public static string UsageRowKey(string type, string id) => UsagePrefix + StorageKeys.AssetRow(type, id);

    /// <summary>The asset a row holds (the instance taken from the partition when the row does not say it).</summary>
    public static Asset ToAsset(TableEntity row)
    {
        (string tenant, string instance) = SplitPartition(row.PartitionKey, row.GetString(AssetColumns.Tenant), row.GetString(AssetColumns.Instance));
        return new Asset
        {
            Tenant = tenant,
            Instance = instance,
            Type = row.GetString(AssetColumns.Type) ?? string.Empty,
            Id = row.GetString(AssetColumns.Id) ?? string.Empty,
            Name = row.GetString(AssetColumns.Name),
            Scope = row.GetString(AssetColumns.Scope),
            State = row.GetString(AssetColumns.State),
            Reason = row.GetString(AssetColumns.Reason),
            Hash = row.GetString(AssetColumns.Hash),
            Version = row.GetInt64(AssetColumns.Version) ?? 0,
            FirstSeen = row.GetDateTimeOffset(AssetColumns.FirstSeen),
            LastSeen = row.GetDateTimeOffset(AssetColumns.LastSeen),
            LastChanged = row.GetDateTimeOffset(AssetColumns.LastChanged),
            StateChangedAt = row.GetDateTimeOffset(AssetColumns.StateChangedAt),
            LastRunId = row.GetString(AssetColumns.LastRunId),
            Attributes = ParseObject(LargeText.Read(row, AssetColumns.Attributes)),
            Usage = row.GetInt64(AssetColumns.Invocations) is null ? null : ToTotals(row),
            Drains = row.GetString(AssetColumns.Drains),
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }

    /// <summary>The usage a usage row holds.</summary>
    public static AssetUsage ToUsage(TableEntity row)
    {
        (string tenant, string instance) = SplitPartition(row.PartitionKey, null, null);
        return new AssetUsage
        {
            Tenant = tenant,
            Instance = instance,
            Type = row.GetString(UsageColumns.Type) ?? string.Empty,
            Id = row.GetString(UsageColumns.Id) ?? string.Empty,
            Totals = ToTotals(row),
            Via = ReadList(row, UsageColumns.Via),
            Rule = row.GetString(UsageColumns.Rule),
            Drains = row.GetString(UsageColumns.Drains),
            ETag = row.ETag == default ? null : row.ETag.ToString(),
        };
    }

    internal static TableEntity ToRow(Asset asset)
    {
        var row = new TableEntity(StorageKeys.Partition(asset.Tenant, asset.Instance), StorageKeys.AssetRow(asset.Type, asset.Id))
        {
            [AssetColumns.Tenant] = asset.Tenant,
            [AssetColumns.Instance] = asset.Instance,
            [AssetColumns.Type] = asset.Type,
            [AssetColumns.Id] = asset.Id,
            [AssetColumns.Version] = asset.Version,
        };
        Set(row, AssetColumns.Name, asset.Name);
        Set(row, AssetColumns.Scope, asset.Scope);
        Set(row, AssetColumns.State, asset.State);
        Set(row, AssetColumns.Reason, asset.Reason);
        Set(row, AssetColumns.Hash, asset.Hash);
        Set(row, AssetColumns.FirstSeen, asset.FirstSeen);
        Set(row, AssetColumns.LastSeen, asset.LastSeen);
        Set(row, AssetColumns.LastChanged, asset.LastChanged);
        Set(row, AssetColumns.StateChangedAt, asset.StateChangedAt);
        Set(row, AssetColumns.LastRunId, asset.LastRunId);
        Set(row, AssetColumns.Drains, asset.Drains);
        if (asset.Usage is { } usage)
        {
            WriteTotals(row, usage);
        }

        LargeText.Write(row, AssetColumns.Attributes, asset.Attributes.ToJsonString());
        return row;
    }

    internal static TableEntity ToRow(AssetUsage usage)
    {
        var row = new TableEntity(StorageKeys.Partition(usage.Tenant, usage.Instance), UsageRowKey(usage.Type, usage.Id))
        {
            [UsageColumns.Type] = usage.Type,
            [UsageColumns.Id] = usage.Id,
            [UsageColumns.Via] = new JsonArray([.. usage.Via.Select(v => (JsonNode?)v)]).ToJsonString(),
        };
        Set(row, UsageColumns.Rule, usage.Rule);
        Set(row, UsageColumns.Drains, usage.Drains);
        WriteTotals(row, usage.Totals);
        return row;
    }

    /// <summary>A merge of the sighting (and usage) columns only, so the content a scan compares stays as it is.</summary>
    internal static TableEntity ToRow(string partition, TouchAsset touch)
    {
        var row = new TableEntity(partition, StorageKeys.AssetRow(touch.Key.Type, touch.Key.Id)) { [AssetColumns.LastSeen] = touch.LastSeen };
        Set(row, AssetColumns.Drains, touch.Drains);
        if (touch.Usage is { } usage)
        {
            WriteTotals(row, usage);
        }

        return row;
    }

    private static UsageTotals ToTotals(TableEntity row) => new(
        row.GetInt64(AssetColumns.Invocations) ?? 0,
        row.GetInt64(AssetColumns.InputTokens) ?? 0,
        row.GetInt64(AssetColumns.OutputTokens) ?? 0,
        row.GetDateTimeOffset(AssetColumns.FirstInvoked),
        row.GetDateTimeOffset(AssetColumns.LastInvoked),
        ReadList(row, AssetColumns.Callers));

    private static void WriteTotals(TableEntity row, UsageTotals usage)
    {
        row[AssetColumns.Invocations] = usage.Invocations;
        row[AssetColumns.InputTokens] = usage.InputTokens;
        row[AssetColumns.OutputTokens] = usage.OutputTokens;
        Set(row, AssetColumns.FirstInvoked, usage.FirstInvoked);
        Set(row, AssetColumns.LastInvoked, usage.LastInvoked);
        if (usage.Callers.Count > 0)
        {
            row[AssetColumns.Callers] = new JsonArray([.. usage.Callers.Select(c => (JsonNode?)c)]).ToJsonString();
        }
    }

    private static (string Tenant, string Instance) SplitPartition(string partition, string? tenant, string? instance)
    {
        int separator = partition.IndexOf(StorageKeys.Separator, StringComparison.Ordinal);
        return (tenant ?? (separator < 0 ? partition : partition[..separator]), instance ?? (separator < 0 ? string.Empty : partition[(separator + 1)..]));
    }

    private static JsonObject ParseObject(string? json)
    {
        try
        {
            return json is null ? [] : JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>A JSON array-of-strings column as a sorted list (empty when absent or unreadable: a damaged column loses its list, not the row).</summary>
    private static IReadOnlyList<string> ReadList(TableEntity row, string column)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        if (row.GetString(column) is { } json)
        {
            try
            {
                foreach (JsonNode? item in JsonNode.Parse(json) as JsonArray ?? [])
                {
                    if (item is JsonValue v && v.TryGetValue(out string? s))
                    {
                        set.Add(s);
                    }
                }
            }
            catch (JsonException)
            {
                set.Clear();
            }
        }

        return [.. set];
    }

    private static void Set(TableEntity row, string column, string? value)
    {
        if (value is not null)
        {
            row[column] = value;
        }
    }

    private static void Set(TableEntity row, string column, DateTimeOffset? value)
    {
        if (value is not null)
        {
            row[column] = value.Value;
        }
    }
}

/// <summary>The "edges" table's layout (PartitionKey {tenant}~{instance}, RowKey from the edge's identity) and its mapping to <see cref="Edge"/>.</summary>
public static class EdgeRows
{
    internal static string RowKey(EdgeKey e) => StorageKeys.Escape(
        string.Join(StorageKeys.Separator, e.SourceType, StorageKeys.Escape(e.SourceId), e.Relationship, e.TargetType, StorageKeys.Escape(e.TargetId)));

    internal static TableEntity ToRow(Edge edge)
    {
        var row = new TableEntity(StorageKeys.Partition(edge.Tenant, edge.Instance), RowKey(edge.Key))
        {
            [EdgeColumns.Tenant] = edge.Tenant,
            [EdgeColumns.Instance] = edge.Instance,
            [EdgeColumns.SourceType] = edge.SourceType,
            [EdgeColumns.SourceId] = edge.SourceId,
            [EdgeColumns.Relationship] = edge.Relationship,
            [EdgeColumns.TargetType] = edge.TargetType,
            [EdgeColumns.TargetId] = edge.TargetId,
        };
        if (edge.Scope is not null)
        {
            row[EdgeColumns.Scope] = edge.Scope;
        }

        if (edge.State is not null)
        {
            row[EdgeColumns.State] = edge.State;
        }

        if (edge.FirstSeen is { } first)
        {
            row[EdgeColumns.FirstSeen] = first;
        }

        if (edge.StateChangedAt is { } changed)
        {
            row[EdgeColumns.StateChangedAt] = changed;
        }

        return row;
    }

    public static Edge ToEdge(TableEntity row)
    {
        int separator = row.PartitionKey.IndexOf(StorageKeys.Separator, StringComparison.Ordinal);
        return new Edge
        {
            Tenant = row.GetString(EdgeColumns.Tenant) ?? (separator < 0 ? row.PartitionKey : row.PartitionKey[..separator]),
            Instance = row.GetString(EdgeColumns.Instance) ?? (separator < 0 ? string.Empty : row.PartitionKey[(separator + 1)..]),
            SourceType = row.GetString(EdgeColumns.SourceType) ?? string.Empty,
            SourceId = row.GetString(EdgeColumns.SourceId) ?? string.Empty,
            Relationship = row.GetString(EdgeColumns.Relationship) ?? string.Empty,
            TargetType = row.GetString(EdgeColumns.TargetType) ?? string.Empty,
            TargetId = row.GetString(EdgeColumns.TargetId) ?? string.Empty,
            Scope = row.GetString(EdgeColumns.Scope),
            State = row.GetString(EdgeColumns.State),
            FirstSeen = row.GetDateTimeOffset(EdgeColumns.FirstSeen),
            StateChangedAt = row.GetDateTimeOffset(EdgeColumns.StateChangedAt),
            Written = row.Timestamp,
        };
    }
}

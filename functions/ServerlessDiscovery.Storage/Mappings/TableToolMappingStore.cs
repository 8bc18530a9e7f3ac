using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Mappings;

namespace ServerlessDiscovery.Storage.Mappings;

/// <summary>Tool mappings in the "toolmappings" table: PartitionKey the tenant, RowKey the mapping id.</summary>
internal sealed class TableToolMappingStore(TableStore tables) : IToolMappingStore
{
    public async Task<ToolMappingSet> LoadAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.ToolMappings, cancellationToken);
        var list = new List<ToolMapping>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(tenant), cancellationToken: cancellationToken))
        {
            list.Add(ToMapping(row));
        }

        return new ToolMappingSet([.. list.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal)]);
    }

    public async Task<bool> SaveAsync(string tenant, ToolMapping mapping, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.ToolMappings, cancellationToken);
        ToolMappingSet existing = await LoadAsync(tenant, cancellationToken);
        ToolMapping? same = existing.All.FirstOrDefault(m => m.Id == mapping.Id);
        if (same is null && existing.All.Count >= IToolMappingStore.MaxPerTenant)
        {
            return false;
        }

        await table.UpsertEntityAsync(ToRow(tenant, mapping with { CreatedAt = same?.CreatedAt ?? mapping.CreatedAt }), TableUpdateMode.Replace, cancellationToken);
        return true;
    }

    public async Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.ToolMappings, cancellationToken);
        // Delete answers success for a missing entity too, so whether there was one is read first.
        NullableResponse<TableEntity> existing = await table.GetEntityIfExistsAsync<TableEntity>(tenant, id, [ToolMappingColumns.PluginName], cancellationToken);
        if (!existing.HasValue)
        {
            return false;
        }

        await table.DeleteEntityAsync(tenant, id, ETag.All, cancellationToken);
        return true;
    }

    private static ToolMapping ToMapping(TableEntity row)
    {
        var attributes = (JsonNode.Parse(row.GetString(ToolMappingColumns.Attributes) ?? "{}") as JsonObject ?? [])
            .Where(p => p.Value is JsonValue)
            .ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal);
        return new ToolMapping(
            row.RowKey,
            row.GetString(ToolMappingColumns.PluginName) ?? string.Empty,
            attributes,
            row.GetString(ToolMappingColumns.MatchType) ?? ToolMapping.MatchAll,
            row.GetString(ToolMappingColumns.SourceName) ?? string.Empty,
            row.GetString(ToolMappingColumns.SourceId) ?? string.Empty,
            row.GetDateTimeOffset(ToolMappingColumns.CreatedAt) ?? DateTimeOffset.MinValue);
    }

    private static TableEntity ToRow(string tenant, ToolMapping mapping) => new(tenant, mapping.Id)
    {
        [ToolMappingColumns.PluginName] = mapping.PluginName,
        [ToolMappingColumns.Attributes] = new JsonObject(mapping.Attributes.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))).ToJsonString(),
        [ToolMappingColumns.MatchType] = mapping.MatchType,
        [ToolMappingColumns.SourceName] = mapping.SourceName,
        [ToolMappingColumns.SourceId] = mapping.SourceId,
        [ToolMappingColumns.CreatedAt] = mapping.CreatedAt,
    };
}

using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>
/// Findings in the "findings" table: PartitionKey tenant, RowKey the escaped finding key; beside them the tenant's
/// <see cref="FindingsWatermark"/> (RowKey <see cref="WatermarkRowKey"/>).
/// </summary>
public sealed class FindingStore(TableStore tables)
{
    /// <summary>The watermark's row key; '!' sorts before every finding's key, which starts with its kind.</summary>
    public const string WatermarkRowKey = "!evaluation";

    public static string RowKey(Finding finding) => StorageKeys.Escape(finding.Key);

    /// <summary>The tenant's findings, optionally of one kind and state.</summary>
    public async Task<IReadOnlyList<TableEntity>> ListAsync(string tenant, string? kind = null, string? state = null, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        string filter = TableQueries.And(
            TableQueries.Partition(tenant),
            kind is null ? null : TableQueries.Equal(FindingColumns.Kind, kind),
            state is null ? null : TableQueries.Equal(FindingColumns.State, state));
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            if (row.RowKey != WatermarkRowKey)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>The tenant's watermark; null when its findings were never evaluated.</summary>
    public async Task<FindingsWatermark?> GetWatermarkAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        NullableResponse<TableEntity> found = await table.GetEntityIfExistsAsync<TableEntity>(tenant, WatermarkRowKey, cancellationToken: cancellationToken);
        if (!found.HasValue || found.Value!.GetDateTimeOffset(FindingWatermarkColumns.EvaluatedAt) is not { } evaluatedAt)
        {
            return null;
        }

        TableEntity row = found.Value;
        return new FindingsWatermark(row.GetString(FindingWatermarkColumns.Instances) ?? string.Empty, evaluatedAt,
            row.GetDateTimeOffset(FindingWatermarkColumns.NextUnusedAt) ?? DateTimeOffset.MaxValue,
            row.GetDateTimeOffset(FindingWatermarkColumns.TraceEvaluatedAt), row.GetDateTimeOffset(FindingWatermarkColumns.ObservedAt));
    }

    /// <summary>Records an evaluation; a merge, so a drain's <see cref="MarkObservedAsync"/> meanwhile is kept.</summary>
    internal async Task SetEvaluatedAsync(string tenant, FindingsWatermark mark, CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        var row = new TableEntity(tenant, WatermarkRowKey)
        {
            [FindingWatermarkColumns.Instances] = mark.Instances,
            [FindingWatermarkColumns.EvaluatedAt] = mark.EvaluatedAt,
            [FindingWatermarkColumns.NextUnusedAt] = mark.NextUnusedAt,
        };
        if (mark.TraceEvaluatedAt is { } traced)
        {
            row[FindingWatermarkColumns.TraceEvaluatedAt] = traced;
        }

        await table.UpsertEntityAsync(row, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>
    /// Notes that traces changed the tenant's inventory (call it once the observations are written): its findings are
    /// evaluated again within <see cref="FindingsWatermark.TraceSpacing"/>. One merge; the time only moves forward.
    /// </summary>
    public async Task MarkObservedAsync(string tenant, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(tenant, WatermarkRowKey) { [FindingWatermarkColumns.ObservedAt] = at }, TableUpdateMode.Merge, cancellationToken);
    }

    internal async Task UpsertAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        foreach (IGrouping<string, TableEntity> partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (TableEntity[] chunk in partition.Chunk(TableQueries.MaxTransactionActions))
            {
                await table.SubmitTransactionAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r))], cancellationToken);
            }
        }
    }

    /// <summary>The finding as the API and its events show it.</summary>
    public static JsonObject ToJson(TableEntity row) => new()
    {
        ["id"] = Uri.UnescapeDataString(row.RowKey),
        ["kind"] = row.GetString(FindingColumns.Kind),
        ["state"] = row.GetString(FindingColumns.State),
        ["subject"] = new JsonObject
        {
            ["type"] = row.GetString(FindingColumns.SubjectType),
            ["id"] = row.GetString(FindingColumns.SubjectId),
            ["instance"] = row.GetString(FindingColumns.Instance),
        },
        ["reason"] = row.GetString(FindingColumns.Reason),
        ["evidence"] = JsonNode.Parse(LargeText.Read(row, FindingColumns.Evidence) ?? "{}"),
        ["opened_at"] = row.GetDateTimeOffset(FindingColumns.OpenedAt),
        ["updated_at"] = row.GetDateTimeOffset(FindingColumns.UpdatedAt),
        ["resolved_at"] = row.GetDateTimeOffset(FindingColumns.ResolvedAt),
    };
}

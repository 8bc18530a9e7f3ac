using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Findings;

namespace ServerlessDiscovery.Storage.Findings;

/// <summary>
/// Findings in the "findings" table: PartitionKey tenant, RowKey the escaped finding key; beside them the tenant's
/// <see cref="FindingsWatermark"/> (RowKey <see cref="WatermarkRowKey"/>).
/// </summary>
internal sealed class TableFindingStore(TableStore tables) : IFindingStore
{
    /// <summary>The watermark's row key; '!' sorts before every finding's key, which starts with its kind.</summary>
    internal const string WatermarkRowKey = "!evaluation";

    public async Task<IReadOnlyList<TrackedFinding>> ListAsync(string tenant, string? kind = null, string? state = null, CancellationToken cancellationToken = default)
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

        return [.. rows
            .OrderByDescending(r => r.GetDateTimeOffset(FindingColumns.UpdatedAt))
            .ThenBy(r => r.RowKey, StringComparer.Ordinal)
            .Select(ToFinding)];
    }

    public async Task UpsertAsync(string tenant, IReadOnlyList<TrackedFinding> findings, CancellationToken cancellationToken = default)
    {
        if (findings.Count == 0)
        {
            return;
        }

        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        foreach (TrackedFinding[] chunk in findings.Chunk(TableQueries.MaxTransactionActions))
        {
            await table.SubmitTransactionAsync([.. chunk.Select(f => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToRow(tenant, f)))], cancellationToken);
        }
    }

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

    /// <summary>A merge, so the drains' <see cref="FindingWatermarkColumns.ObservedAt"/> written meanwhile is kept.</summary>
    public async Task SetEvaluatedAsync(string tenant, FindingsWatermark mark, CancellationToken cancellationToken = default)
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

    public async Task MarkObservedAsync(string tenant, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Findings, cancellationToken);
        await table.UpsertEntityAsync(new TableEntity(tenant, WatermarkRowKey) { [FindingWatermarkColumns.ObservedAt] = at }, TableUpdateMode.Merge, cancellationToken);
    }

    private static TableEntity ToRow(string tenant, TrackedFinding tracked)
    {
        Finding f = tracked.Finding;
        var row = new TableEntity(tenant, StorageKeys.Escape(f.Key))
        {
            [FindingColumns.Kind] = f.Kind,
            [FindingColumns.State] = tracked.State,
            [FindingColumns.SubjectType] = f.SubjectType,
            [FindingColumns.SubjectId] = f.SubjectId,
            [FindingColumns.Instance] = f.Instance,
            [FindingColumns.Reason] = f.Reason,
        };
        SetTime(row, FindingColumns.OpenedAt, tracked.OpenedAt);
        SetTime(row, FindingColumns.UpdatedAt, tracked.UpdatedAt);
        SetTime(row, FindingColumns.ResolvedAt, tracked.ResolvedAt);
        LargeText.Write(row, FindingColumns.Evidence, f.Evidence.ToJsonString());
        return row;
    }

    private static void SetTime(TableEntity row, string column, DateTimeOffset? value)
    {
        if (value is { } at)
        {
            row[column] = at;
        }
    }

    private static TrackedFinding ToFinding(TableEntity row) => new(
        new Finding(
            row.GetString(FindingColumns.Kind) ?? string.Empty,
            row.GetString(FindingColumns.SubjectType) ?? string.Empty,
            row.GetString(FindingColumns.SubjectId) ?? string.Empty,
            row.GetString(FindingColumns.Instance) ?? string.Empty,
            row.GetString(FindingColumns.Reason) ?? string.Empty,
            JsonNode.Parse(LargeText.Read(row, FindingColumns.Evidence) ?? "{}") as JsonObject ?? []),
        row.GetString(FindingColumns.State) ?? string.Empty,
        row.GetDateTimeOffset(FindingColumns.OpenedAt),
        row.GetDateTimeOffset(FindingColumns.UpdatedAt),
        row.GetDateTimeOffset(FindingColumns.ResolvedAt));
}

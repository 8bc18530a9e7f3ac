using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>Findings in the "findings" table: PartitionKey tenant, RowKey the escaped finding key.</summary>
public sealed class FindingStore(TableStore tables)
{
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
            rows.Add(row);
        }

        return rows;
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

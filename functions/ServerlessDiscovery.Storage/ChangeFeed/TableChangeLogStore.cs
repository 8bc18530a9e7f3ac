using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.ChangeFeed;

namespace ServerlessDiscovery.Storage.ChangeFeed;

/// <summary>
/// The change log on Table Storage: the "changes" table, PartitionKey the tenant, RowKey the record's
/// <see cref="ChangeLogPosition"/>, one row per relayed outbox entry.
/// </summary>
internal sealed class TableChangeLogStore(TableStore tables) : IChangeLogStore
{
    /// <summary>Most event text in one transaction (strings count twice as UTF-16 against the service's 4 MiB).</summary>
    private const int MaxTransactionChars = 1_500_000;

    public async Task AppendAsync(string tenant, string instance, DateTimeOffset recorded, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        if (entries.Count == 0)
        {
            return;
        }

        TableClient table = await tables.GetTableAsync(TableNames.Changes, cancellationToken);
        var batch = new List<TableTransactionAction>();
        int chars = 0;
        for (int i = 0; i < entries.Count; i++)
        {
            string events = entries[i].EventsJson;
            if (batch.Count == TableQueries.MaxTransactionActions || (batch.Count > 0 && chars + events.Length > MaxTransactionChars))
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
                batch.Clear();
                chars = 0;
            }

            var row = new TableEntity(tenant, ChangeLogPosition.Of(recorded, i, instance))
            {
                [ChangeLogColumns.Instance] = instance,
                [ChangeLogColumns.Count] = entries[i].Count,
            };
            LargeText.Write(row, ChangeLogColumns.Events, events);
            batch.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
            chars += events.Length;
        }

        await table.SubmitTransactionAsync(batch, cancellationToken);
    }

    public async Task<ChangeLogRecordPage> ReadAsync(string tenant, string from, string until, int max, string? continuationToken, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Changes, cancellationToken);
        string filter = $"{TableQueries.Partition(tenant)} and RowKey ge {TableClient.CreateQueryFilter($"{from}")} and RowKey lt {TableClient.CreateQueryFilter($"{until}")}";
        TablePage<TableEntity> page = await table.QueryPageAsync<TableEntity>(filter, max, continuationToken, cancellationToken: cancellationToken);
        return new ChangeLogRecordPage(
            [.. page.Items.Select(r => new ChangeLogRecord(r.RowKey, r.GetString(ChangeLogColumns.Instance) ?? string.Empty, r.GetInt32(ChangeLogColumns.Count) ?? 0, LargeText.Read(r, ChangeLogColumns.Events) ?? "[]"))],
            page.ContinuationToken);
    }

    public async Task PruneAsync(string tenant, string before, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Changes, cancellationToken);
        string filter = $"{TableQueries.Partition(tenant)} and RowKey lt {TableClient.CreateQueryFilter($"{before}")}";
        var expired = new List<TableTransactionAction>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, TableQueries.MaxPageSize, ["PartitionKey", "RowKey"], cancellationToken))
        {
            expired.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, ETag.All));
            if (expired.Count == TableQueries.MaxTransactionActions)
            {
                await table.SubmitTransactionAsync(expired, cancellationToken);
                expired.Clear();
            }
        }

        if (expired.Count > 0)
        {
            await table.SubmitTransactionAsync(expired, cancellationToken);
        }
    }
}

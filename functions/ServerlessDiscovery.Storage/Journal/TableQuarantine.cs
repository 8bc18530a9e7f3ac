using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Observations;

namespace ServerlessDiscovery.Storage.Journal;

/// <summary>
/// The quarantine (<see cref="IQuarantine"/>) in Table Storage: one row per case in the "quarantine" table
/// (PartitionKey the escaped tenant, RowKey {ticks}-{id}, so a partition reads oldest first).
/// </summary>
internal sealed class TableQuarantine(TableStore tables, TimeProvider time) : IQuarantine
{
    /// <summary>Longest identity or reason kept in a quarantine row (well under a string property's 32K characters).</summary>
    public const int MaxTextChars = 4096;

    public async Task AddAsync(string tenant, string kind, string subject, string reason, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Quarantine, cancellationToken);
        DateTimeOffset now = time.GetUtcNow();
        await table.AddEntityAsync(new TableEntity(StorageKeys.Escape(tenant), $"{now.UtcTicks:D19}-{Guid.NewGuid():N}")
        {
            [QuarantineColumns.Tenant] = Bound(tenant),
            [QuarantineColumns.Kind] = Bound(kind),
            [QuarantineColumns.Subject] = Bound(subject),
            [QuarantineColumns.Reason] = Bound(reason),
            [QuarantineColumns.At] = now,
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<QuarantineRecord>> ListAsync(string tenant, int max = 1000, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Quarantine, cancellationToken);
        var records = new List<QuarantineRecord>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Escape(tenant)), cancellationToken: cancellationToken))
        {
            records.Add(new QuarantineRecord(
                row.GetString(QuarantineColumns.Kind) ?? string.Empty,
                row.GetString(QuarantineColumns.Subject) ?? string.Empty,
                row.GetString(QuarantineColumns.Reason) ?? string.Empty,
                row.GetDateTimeOffset(QuarantineColumns.At) ?? DateTimeOffset.MinValue));
            if (records.Count == max)
            {
                break;
            }
        }

        return records;
    }

    private static string Bound(string text) => text.Length <= MaxTextChars ? text : text[..MaxTextChars] + $"…[truncated {text.Length - MaxTextChars} chars]";
}

/// <summary>Columns of a quarantine row.</summary>
internal static class QuarantineColumns
{
    public const string Tenant = "Tenant";
    public const string Kind = "Kind";
    public const string Subject = "Subject";
    public const string Reason = "Reason";
    public const string At = "At";
}

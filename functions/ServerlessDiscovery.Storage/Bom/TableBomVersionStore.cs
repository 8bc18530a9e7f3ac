using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Bom;

namespace ServerlessDiscovery.Storage.Bom;

/// <summary>
/// The version of each tenant+scope's BOM, in the "bomversions" table: the same content hash keeps the version and
/// timestamp, a new hash takes the next version (ETag-guarded, so concurrent exports agree on one number).
/// </summary>
internal sealed class TableBomVersionStore(TableStore tables) : IBomVersionStore
{
    private const int MaxAttempts = 8;

    public async Task<BomRevision> RecordAsync(string tenant, string scopeKey, string hash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.BomVersions, cancellationToken);
        string partition = StorageKeys.Escape(tenant);
        string row = StorageKeys.Escape(scopeKey);
        for (int attempt = 1; ; attempt++)
        {
            NullableResponse<TableEntity> existing = await table.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            try
            {
                if (!existing.HasValue)
                {
                    await table.AddEntityAsync(Row(partition, row, hash, 1, now), cancellationToken);
                    return new BomRevision(1, now);
                }

                TableEntity current = existing.Value!;
                long version = current.GetInt64(BomVersionColumns.Version) ?? 1;
                if (current.GetString(BomVersionColumns.Hash) == hash)
                {
                    return new BomRevision(version, current.GetDateTimeOffset(BomVersionColumns.Since) ?? now);
                }

                await table.UpdateEntityAsync(Row(partition, row, hash, version + 1, now), current.ETag, TableUpdateMode.Replace, cancellationToken);
                return new BomRevision(version + 1, now);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another export recorded a revision between our read and write: read it and decide again.
            }
        }
    }

    private static TableEntity Row(string partition, string row, string hash, long version, DateTimeOffset since) => new(partition, row)
    {
        [BomVersionColumns.Hash] = hash,
        [BomVersionColumns.Version] = version,
        [BomVersionColumns.Since] = since,
    };
}

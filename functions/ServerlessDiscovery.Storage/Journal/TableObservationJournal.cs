using System.IO.Compression;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Observations;

namespace ServerlessDiscovery.Storage.Journal;

/// <summary>
/// The OTLP write-ahead journal (<see cref="IObservationJournal"/>) in Table Storage, one partition per tenant: an append
/// returns once its rows are written; a claim is an ETag-conditional update of the row's lease, so two hosts never claim
/// the same row; completing deletes the row on the claim's ETag. Payloads are compressed and split across binary
/// properties (<see cref="LargeBinary"/>), so each row stays under the 1 MiB entity limit.
/// </summary>
internal sealed class TableObservationJournal(TableStore tables, TimeProvider time) : IObservationJournal
{
    /// <summary>Largest compressed payload of one row (what <see cref="LargeBinary"/> fits in one entity).</summary>
    public const int MaxPayloadBytes = LargeBinary.MaxBytes;

    // An entity group transaction carries at most 4 MiB; keep a margin for keys and envelopes.
    private const int MaxTransactionBytes = 3 * 1024 * 1024;
    private static readonly DateTimeOffset Unleased = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Appends each payload as a row, in entity group transactions (all rows of an ordinary request in one).</summary>
    public async Task AppendAsync(string tenant, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        TableClient table = await tables.GetTableAsync(TableNames.OtlpJournal, cancellationToken);
        string partition = StorageKeys.Escape(tenant);
        string batch = $"{time.GetUtcNow().UtcTicks:D19}-{Guid.NewGuid():N}";
        var actions = new List<TableTransactionAction>();
        int bytes = 0;
        for (int i = 0; i < payloads.Count; i++)
        {
            byte[] compressed = Compress(payloads[i].Span);
            if (compressed.Length > MaxPayloadBytes)
            {
                throw new ArgumentException($"Journal payload {i} is {compressed.Length} bytes compressed; at most {MaxPayloadBytes} fit in one row.", nameof(payloads));
            }

            if (actions.Count > 0 && (actions.Count == TableQueries.MaxTransactionActions || bytes + compressed.Length > MaxTransactionBytes))
            {
                await SubmitAsync(table, actions, cancellationToken);
                actions.Clear();
                bytes = 0;
            }

            var row = new TableEntity(partition, $"{batch}-{i:D4}")
            {
                [JournalColumns.Tenant] = tenant,
                [JournalColumns.LeaseUntil] = Unleased,
                [JournalColumns.Attempts] = 0,
            };
            LargeBinary.Write(row, JournalColumns.Payload, compressed);
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
            bytes += compressed.Length;
        }

        if (actions.Count > 0)
        {
            await SubmitAsync(table, actions, cancellationToken);
        }
    }

    /// <summary>Claims a page of unleased rows at a time, one transaction per partition, row by row when one was taken meanwhile.</summary>
    public async Task<IReadOnlyList<JournalEntry>> ClaimAsync(string drainId, TimeSpan lease, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(drainId);
        TableClient table = await tables.GetTableAsync(TableNames.OtlpJournal, cancellationToken);
        DateTimeOffset now = time.GetUtcNow();
        string filter = TableClient.CreateQueryFilter($"LeaseUntil lt {now}");
        var claimed = new List<JournalEntry>();
        int bytes = 0;
        await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, maxPerPage: 32, cancellationToken: cancellationToken).AsPages(pageSizeHint: 32))
        {
            foreach (IGrouping<string, TableEntity> partition in page.Values.GroupBy(r => r.PartitionKey, StringComparer.Ordinal))
            {
                TableEntity[] rows = [.. partition];
                TableEntity[] claims = [.. rows.Select(r => Claim(r, drainId, now + lease))];
                ETag?[] etags;
                try
                {
                    // One transaction claims a partition's rows of the page; any row taken meanwhile fails it, then row by row.
                    Response<IReadOnlyList<Response>> result = await table.SubmitTransactionAsync(
                        rows.Select((r, i) => new TableTransactionAction(TableTransactionActionType.UpdateMerge, claims[i], r.ETag)), cancellationToken);
                    etags = [.. result.Value.Select(r => r.Headers.ETag)];
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
                {
                    etags = new ETag?[rows.Length];
                    for (int i = 0; i < rows.Length; i++)
                    {
                        etags[i] = await ClaimOneAsync(table, rows[i], claims[i], cancellationToken);
                    }
                }

                for (int i = 0; i < rows.Length; i++)
                {
                    if (etags[i] is { } etag)
                    {
                        byte[] payload = Decompress(LargeBinary.Read(rows[i], JournalColumns.Payload) ?? []);
                        claimed.Add(new JournalEntry(rows[i].GetString(JournalColumns.Tenant) ?? string.Empty, rows[i].RowKey, payload,
                            (string)claims[i][JournalColumns.DrainId], (int)claims[i][JournalColumns.Attempts], etag.ToString()));
                        bytes += payload.Length;
                    }
                }
            }

            if (bytes >= maxBytes)
            {
                break;
            }
        }

        return claimed;
    }

    private static TableEntity Claim(TableEntity row, string drainId, DateTimeOffset leaseUntil)
    {
        string existing = row.GetString(JournalColumns.DrainId) ?? string.Empty;
        return new TableEntity(row.PartitionKey, row.RowKey)
        {
            [JournalColumns.LeaseUntil] = leaseUntil,
            [JournalColumns.DrainId] = existing.Length > 0 ? $"{existing}{IObservationJournal.LineageSeparator}{drainId}" : drainId,
            [JournalColumns.Attempts] = (row.GetInt32(JournalColumns.Attempts) ?? 0) + 1,
            [JournalColumns.ClaimToken] = Guid.NewGuid().ToString("N"),
        };
    }

    /// <summary>Claims one row; null when another drainer claimed or completed it first.</summary>
    private static async Task<ETag?> ClaimOneAsync(TableClient table, TableEntity row, TableEntity claim, CancellationToken cancellationToken)
    {
        try
        {
            return (await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, cancellationToken)).Headers.ETag ?? ETag.All;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Another drainer claimed or completed it first, or a retry of our own claim found it done: the token tells.
            NullableResponse<TableEntity> current = await table.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
            return current.HasValue && current.Value!.GetString(JournalColumns.ClaimToken) == (string)claim[JournalColumns.ClaimToken] ? current.Value.ETag : null;
        }
    }

    /// <summary>Deletes applied rows, each conditional on its claim's ETag, so a row re-claimed since is left to its new holder.</summary>
    public async Task CompleteAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.OtlpJournal, cancellationToken);
        foreach (IGrouping<string, JournalEntry> partition in entries.GroupBy(e => StorageKeys.Escape(e.Tenant), StringComparer.Ordinal))
        {
            foreach (JournalEntry[] chunk in partition.Chunk(TableQueries.MaxTransactionActions))
            {
                try
                {
                    // One transaction per 100 rows; every delete is conditional on the claim's ETag.
                    await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition.Key, e.Id), new ETag(e.Claim))), cancellationToken);
                }
                catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
                {
                    await CompleteOneByOneAsync(table, partition.Key, chunk, cancellationToken);
                }
            }
        }
    }

    private static async Task CompleteOneByOneAsync(TableClient table, string partition, IEnumerable<JournalEntry> entries, CancellationToken cancellationToken)
    {
        foreach (JournalEntry entry in entries)
        {
            try
            {
                await table.DeleteEntityAsync(partition, entry.Id, new ETag(entry.Claim), cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already completed, or re-claimed after the lease ran out: the new holder completes it.
            }
        }
    }

    /// <summary>Counts rows reading keys only.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.OtlpJournal, cancellationToken);
        int count = 0;
        await foreach (TableEntity _ in table.QueryAsync<TableEntity>(select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    private static async Task SubmitAsync(TableClient table, List<TableTransactionAction> actions, CancellationToken cancellationToken)
    {
        if (actions.Count == 1)
        {
            await table.AddEntityAsync((TableEntity)actions[0].Entity, cancellationToken);
        }
        else
        {
            await table.SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream(data.Length / 4 + 64);
        using (var zlib = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data)
    {
        using var input = new MemoryStream(data);
        using var zlib = new ZLibStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(data.Length * 4);
        zlib.CopyTo(output);
        return output.ToArray();
    }
}

/// <summary>Columns of a journal row (PartitionKey the escaped tenant, RowKey {ticks}-{append id}-{index}).</summary>
internal static class JournalColumns
{
    public const string Tenant = "Tenant";
    /// <summary>Zlib-compressed payload, split by <see cref="LargeBinary"/>.</summary>
    public const string Payload = "Payload";
    /// <summary>Until when the row's current drainer holds it; a past time means anyone may claim it.</summary>
    public const string LeaseUntil = "LeaseUntil";
    /// <summary>The row's drain lineage (<see cref="JournalEntry.DrainId"/>); empty until its first claim.</summary>
    public const string DrainId = "DrainId";
    public const string Attempts = "Attempts";
    /// <summary>A value unique to each claim, so a claim whose reply was lost (and whose retry found the ETag changed) is still recognised as ours.</summary>
    public const string ClaimToken = "ClaimToken";
}

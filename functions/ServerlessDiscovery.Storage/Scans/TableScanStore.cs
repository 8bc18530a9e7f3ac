using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Scans;

namespace ServerlessDiscovery.Storage.Scans;

/// <summary>
/// Scan run records in the "scans" table: PartitionKey {tenant}~{instance}, RowKey the inverted start time and the run
/// id, so a partition reads newest first.
/// </summary>
internal sealed class TableScanStore(TableStore tables) : IScanStore
{
    public async Task SaveAsync(ScanRun run, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Scans, cancellationToken);
        var scopes = new JsonObject();
        foreach ((string scope, string? failure) in run.Scopes)
        {
            scopes[scope] = failure;
        }

        var row = new TableEntity(StorageKeys.Partition(run.Tenant, run.InstanceId), RowKey(run))
        {
            [ScanColumns.RunId] = run.RunId,
            [ScanColumns.Status] = run.Status,
            [ScanColumns.Trigger] = run.Trigger,
            [ScanColumns.Forced] = run.Forced,
            [ScanColumns.StartedAt] = run.StartedAt,
            [ScanColumns.Created] = run.Changes.Created,
            [ScanColumns.Updated] = run.Changes.Updated,
            [ScanColumns.Unchanged] = run.Changes.Unchanged,
            [ScanColumns.Deleted] = run.Changes.Deleted,
            [ScanColumns.Stale] = run.Changes.Stale,
            [ScanColumns.Restored] = run.Changes.Restored,
            [ScanColumns.EntityWrites] = run.Changes.EntityWrites,
            [ScanColumns.Assets] = run.Assets,
            [ScanColumns.Edges] = run.Edges,
            [ScanColumns.Rejected] = run.Rejected,
            [ScanColumns.Host] = run.Host,
        };
        if (run.CompletedAt is { } completed)
        {
            row[ScanColumns.CompletedAt] = completed;
        }

        if (run.Progress is { } progress)
        {
            WriteProgress(row, progress);
        }

        if ((run.Error ?? run.Changes.Refusal) is { } error)
        {
            row[ScanColumns.Error] = error.Length > 30_000 ? error[..30_000] : error;
        }

        LargeText.Write(row, ScanColumns.Scopes, scopes.ToJsonString());
        if (run.Notes.Count > 0)
        {
            var notes = new JsonObject();
            foreach ((string scope, ScopeNote note) in run.Notes)
            {
                notes[scope] = new JsonObject
                {
                    ["outcome"] = note.Outcome,
                    ["messages"] = new JsonArray([.. note.Messages.Select(m => (JsonNode)m)]),
                    ["dropped"] = note.Dropped,
                };
            }

            LargeText.Write(row, ScanColumns.ScopeNotes, notes.ToJsonString());
        }

        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Records a running scan's progress on its row (a merge of the progress columns only). False when the row is gone;
    /// a storage failure throws, and the caller decides whether the scan cares.
    /// </summary>
    public async Task<bool> SaveProgressAsync(ScanRun run, ScanRunProgress progress, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Scans, cancellationToken);
        var row = new TableEntity(StorageKeys.Partition(run.Tenant, run.InstanceId), RowKey(run));
        WriteProgress(row, progress);
        try
        {
            await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<ScanRun>> ListAsync(string tenant, string instanceId, int limit, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Scans, cancellationToken);
        var runs = new List<ScanRun>();
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), cancellationToken: cancellationToken))
        {
            runs.Add(FromRow(tenant, instanceId, row));
            if (runs.Count >= limit)
            {
                break;
            }
        }

        return runs;
    }

    public async Task<ScanRun?> GetAsync(string tenant, string instanceId, string runId, CancellationToken cancellationToken = default)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Scans, cancellationToken);
        string filter = TableQueries.And(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), TableQueries.Equal(ScanColumns.RunId, runId));
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            return FromRow(tenant, instanceId, row);
        }

        return null;
    }

    /// <summary>Newest first: the row key starts with the inverted start time.</summary>
    private static string RowKey(ScanRun run) =>
        (DateTimeOffset.MaxValue.UtcTicks - run.StartedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "~" + run.RunId;

    private static void WriteProgress(TableEntity row, ScanRunProgress progress)
    {
        row[ScanColumns.ProgressScopesDone] = progress.ScopesDone;
        row[ScanColumns.ProgressScopesTotal] = progress.ScopesTotal;
        row[ScanColumns.ProgressScopesTotalEstimated] = progress.ScopesTotalEstimated;
        row[ScanColumns.ProgressAssets] = progress.Assets;
        row[ScanColumns.ProgressAt] = progress.UpdatedAt;
    }

    private static ScanRunProgress? ReadProgress(TableEntity row) =>
        row.GetInt32(ScanColumns.ProgressScopesDone) is { } done
            ? new ScanRunProgress(
                done, row.GetInt32(ScanColumns.ProgressScopesTotal), row.GetBoolean(ScanColumns.ProgressScopesTotalEstimated) ?? false, row.GetInt32(ScanColumns.ProgressAssets) ?? 0, row.GetDateTimeOffset(ScanColumns.ProgressAt))
            : null;

    private static ScanRun FromRow(string tenant, string instanceId, TableEntity row)
    {
        var scopes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (JsonNode.Parse(LargeText.Read(row, ScanColumns.Scopes) ?? "{}") is JsonObject json)
        {
            foreach ((string scope, JsonNode? failure) in json)
            {
                scopes[scope] = failure?.GetValue<string>();
            }
        }

        var notes = new Dictionary<string, ScopeNote>(StringComparer.Ordinal);
        if (JsonNode.Parse(LargeText.Read(row, ScanColumns.ScopeNotes) ?? "{}") is JsonObject noteJson)
        {
            foreach ((string scope, JsonNode? note) in noteJson)
            {
                if (note?["outcome"]?.GetValue<string>() is { } outcome)
                {
                    IEnumerable<string> messages = note["messages"] is JsonArray list ? list.Select(m => m?.GetValue<string>() ?? string.Empty) : [];
                    notes[scope] = new ScopeNote(outcome).With(messages, note["dropped"]?.GetValue<int>() ?? 0);
                }
            }
        }

        string status = row.GetString(ScanColumns.Status) ?? ScanStatus.Failed;
        string? error = row.GetString(ScanColumns.Error);
        return new ScanRun
        {
            Tenant = tenant,
            InstanceId = instanceId,
            RunId = row.GetString(ScanColumns.RunId) ?? string.Empty,
            Status = status,
            Trigger = row.GetString(ScanColumns.Trigger) ?? string.Empty,
            Forced = row.GetBoolean(ScanColumns.Forced) ?? false,
            StartedAt = row.GetDateTimeOffset(ScanColumns.StartedAt) ?? DateTimeOffset.MinValue,
            CompletedAt = row.GetDateTimeOffset(ScanColumns.CompletedAt),
            Changes = new ScanChanges
            {
                Created = row.GetInt32(ScanColumns.Created) ?? 0,
                Updated = row.GetInt32(ScanColumns.Updated) ?? 0,
                Unchanged = row.GetInt32(ScanColumns.Unchanged) ?? 0,
                Deleted = row.GetInt32(ScanColumns.Deleted) ?? 0,
                Stale = row.GetInt32(ScanColumns.Stale) ?? 0,
                Restored = row.GetInt32(ScanColumns.Restored) ?? 0,
                EntityWrites = row.GetInt32(ScanColumns.EntityWrites) ?? 0,
                Refusal = status == ScanStatus.Refused ? error : null,
            },
            Assets = row.GetInt32(ScanColumns.Assets) ?? 0,
            Edges = row.GetInt32(ScanColumns.Edges) ?? 0,
            Rejected = row.GetInt32(ScanColumns.Rejected) ?? 0,
            Error = status == ScanStatus.Refused ? null : error,
            Scopes = scopes,
            Notes = notes,
            Host = row.GetString(ScanColumns.Host),
            Progress = ReadProgress(row),
        };
    }
}

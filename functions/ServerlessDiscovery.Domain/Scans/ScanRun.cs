using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>Outcome of a scan run.</summary>
public static class ScanStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    /// <summary>Finished, but one or more scopes failed (their assets were marked stale).</summary>
    public const string Partial = "partial";
    public const string Failed = "failed";
    /// <summary>The deletion guard refused it; nothing was written.</summary>
    public const string Refused = "refused";
    /// <summary>Its host stopped answering; another host took the instance over.</summary>
    public const string Abandoned = "abandoned";
}

/// <summary>
/// A scope that was neither fully observed nor failed: incomplete (some items could not be read; each is a warning) or
/// unavailable (the source does not offer it). Neither tombstones nor stales anything.
/// </summary>
public sealed class ScopeNote(string outcome)
{
    public const string Incomplete = "incomplete";
    public const string Unavailable = "unavailable";

    /// <summary>Bounds on what a plugin can put into one scan record.</summary>
    public const int MaxScopes = 200;
    public const int MaxMessagesPerScope = 20;
    public const int MaxMessageLength = 1000;

    private readonly List<string> _messages = [];

    public string Outcome { get; } = outcome;

    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Messages past <see cref="MaxMessagesPerScope"/> are counted, not kept.</summary>
    public int Dropped { get; private set; }

    public ScopeNote With(IEnumerable<string> messages, int dropped = 0)
    {
        var copy = new ScopeNote(Outcome) { Dropped = dropped };
        foreach (string m in messages)
        {
            copy.Add(m);
        }

        return copy;
    }

    internal void Add(string message)
    {
        if (_messages.Count < MaxMessagesPerScope)
        {
            _messages.Add(message);
        }
        else
        {
            Dropped++;
        }
    }
}

/// <summary>One scan's record in the "scans" table (PartitionKey {tenant}~{instance}, RowKey newest first).</summary>
public sealed record ScanRun
{
    public required string Tenant { get; init; }

    public required string InstanceId { get; init; }

    public required string RunId { get; init; }

    public required string Status { get; init; }

    public required string Trigger { get; init; }

    public bool Forced { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public InventoryChanges Changes { get; init; } = new();

    public int Assets { get; init; }

    public int Edges { get; init; }

    public int Rejected { get; init; }

    public string? Error { get; init; }

    /// <summary>Scope to null (fully observed) or its error.</summary>
    public IReadOnlyDictionary<string, string?> Scopes { get; init; } = new Dictionary<string, string?>();

    /// <summary>Scopes reported incomplete or unavailable.</summary>
    public IReadOnlyDictionary<string, ScopeNote> Notes { get; init; } = new Dictionary<string, ScopeNote>();

    public string? Host { get; init; }

    /// <summary>A run id that sorts by start time: yyyyMMddTHHmmssfffZ-random.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How far it got: updated while it runs, final once it ended. Null on rows written before progress was kept.</summary>
    public ScanProgressReport? Progress { get; init; }

    /// <summary>The run as the API and the change feed show it.</summary>
    public ScanRunReport ToReport()
    {
        var scopes = new Dictionary<string, string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach ((string scope, ScopeNote note) in Notes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            scopes[scope] = note.Outcome == ScopeNote.Unavailable
                ? "unavailable: " + string.Join("; ", note.Messages)
                : $"incomplete: {note.Messages.Count + note.Dropped} item(s) could not be read";
            if (note.Outcome == ScopeNote.Incomplete)
            {
                warnings.AddRange(note.Messages.Select(message => $"{scope}: {message}"));
            }
        }

        foreach ((string scope, string? failure) in Scopes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (failure is not null || !Notes.ContainsKey(scope))
            {
                scopes[scope] = failure is null ? "completed" : "failed: " + failure;
            }
        }

        // Rows from before progress was kept: a finished run's scopes are all it reported.
        ScanProgressReport progress = Progress ?? (Status == ScanStatus.Running
            ? new ScanProgressReport(0, null, false, 0, null)
            : new ScanProgressReport(scopes.Count, scopes.Count, false, Assets, CompletedAt));
        var counts = new ScanCountsReport(
            Assets, Edges, Changes.Created, Changes.Updated, Changes.Unchanged, Changes.Deleted, Changes.Stale, Changes.Restored, Rejected, Changes.EntityWrites);
        return new ScanRunReport(
            RunId, InstanceId, Status, Trigger, Forced, StartedAt, CompletedAt,
            CompletedAt is { } done ? (long)(done - StartedAt).TotalMilliseconds : null,
            counts, scopes, warnings, Error ?? Changes.Refusal, progress);
    }

    public JsonObject ToJson() => JsonSerializer.SerializeToNode(ToReport(), ScanJsonContext.Default.ScanRunReport)!.AsObject();
}

/// <summary>Reads and writes scan run records.</summary>
public sealed class ScanStore(TableStore tables)
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
            ["RunId"] = run.RunId,
            ["Status"] = run.Status,
            ["Trigger"] = run.Trigger,
            ["Forced"] = run.Forced,
            ["StartedAt"] = run.StartedAt,
            ["Created"] = run.Changes.Created,
            ["Updated"] = run.Changes.Updated,
            ["Unchanged"] = run.Changes.Unchanged,
            ["Deleted"] = run.Changes.Deleted,
            ["Stale"] = run.Changes.Stale,
            ["Restored"] = run.Changes.Restored,
            ["EntityWrites"] = run.Changes.EntityWrites,
            ["Assets"] = run.Assets,
            ["Edges"] = run.Edges,
            ["Rejected"] = run.Rejected,
            ["Host"] = run.Host,
        };
        if (run.CompletedAt is { } completed)
        {
            row["CompletedAt"] = completed;
        }

        if (run.Progress is { } progress)
        {
            WriteProgress(row, progress);
        }

        if ((run.Error ?? run.Changes.Refusal) is { } error)
        {
            row["Error"] = error.Length > 30_000 ? error[..30_000] : error;
        }

        LargeText.Write(row, "Scopes", scopes.ToJsonString());
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

            LargeText.Write(row, "ScopeNotes", notes.ToJsonString());
        }

        await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Records a running scan's progress on its row (a merge of the progress columns only). False when the row is gone;
    /// a storage failure throws, and the caller decides whether the scan cares.
    /// </summary>
    public async Task<bool> SaveProgressAsync(ScanRun run, ScanProgressReport progress, CancellationToken cancellationToken = default)
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
        string filter = TableQueries.And(TableQueries.Partition(StorageKeys.Partition(tenant, instanceId)), TableQueries.Equal("RunId", runId));
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            return FromRow(tenant, instanceId, row);
        }

        return null;
    }

    /// <summary>Newest first: the row key starts with the inverted start time.</summary>
    private static string RowKey(ScanRun run) =>
        (DateTimeOffset.MaxValue.UtcTicks - run.StartedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "~" + run.RunId;

    private static void WriteProgress(TableEntity row, ScanProgressReport progress)
    {
        row["ProgressScopesDone"] = progress.ScopesDone;
        row["ProgressScopesTotal"] = progress.ScopesTotal;
        row["ProgressScopesTotalEstimated"] = progress.ScopesTotalEstimated;
        row["ProgressAssets"] = progress.Assets;
        row["ProgressAt"] = progress.UpdatedAt;
    }

    private static ScanProgressReport? ReadProgress(TableEntity row) =>
        row.GetInt32("ProgressScopesDone") is { } done
            ? new ScanProgressReport(
                done, row.GetInt32("ProgressScopesTotal"), row.GetBoolean("ProgressScopesTotalEstimated") ?? false, row.GetInt32("ProgressAssets") ?? 0, row.GetDateTimeOffset("ProgressAt"))
            : null;

    private static ScanRun FromRow(string tenant, string instanceId, TableEntity row)
    {
        var scopes = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (JsonNode.Parse(LargeText.Read(row, "Scopes") ?? "{}") is JsonObject json)
        {
            foreach ((string scope, JsonNode? failure) in json)
            {
                scopes[scope] = failure?.GetValue<string>();
            }
        }

        var notes = new Dictionary<string, ScopeNote>(StringComparer.Ordinal);
        if (JsonNode.Parse(LargeText.Read(row, "ScopeNotes") ?? "{}") is JsonObject noteJson)
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

        string status = row.GetString("Status") ?? ScanStatus.Failed;
        string? error = row.GetString("Error");
        return new ScanRun
        {
            Tenant = tenant,
            InstanceId = instanceId,
            RunId = row.GetString("RunId") ?? string.Empty,
            Status = status,
            Trigger = row.GetString("Trigger") ?? string.Empty,
            Forced = row.GetBoolean("Forced") ?? false,
            StartedAt = row.GetDateTimeOffset("StartedAt") ?? DateTimeOffset.MinValue,
            CompletedAt = row.GetDateTimeOffset("CompletedAt"),
            Changes = new InventoryChanges
            {
                Created = row.GetInt32("Created") ?? 0,
                Updated = row.GetInt32("Updated") ?? 0,
                Unchanged = row.GetInt32("Unchanged") ?? 0,
                Deleted = row.GetInt32("Deleted") ?? 0,
                Stale = row.GetInt32("Stale") ?? 0,
                Restored = row.GetInt32("Restored") ?? 0,
                EntityWrites = row.GetInt32("EntityWrites") ?? 0,
                Refusal = status == ScanStatus.Refused ? error : null,
            },
            Assets = row.GetInt32("Assets") ?? 0,
            Edges = row.GetInt32("Edges") ?? 0,
            Rejected = row.GetInt32("Rejected") ?? 0,
            Error = status == ScanStatus.Refused ? null : error,
            Scopes = scopes,
            Notes = notes,
            Host = row.GetString("Host"),
            Progress = ReadProgress(row),
        };
    }
}

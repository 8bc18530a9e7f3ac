using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServerlessDiscovery.Domain.Scans;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>A scan run as the API, the change feed and `sd` show it: outcome, counts, scopes, warnings and progress.</summary>
public sealed record ScanRunReport(
    [property: JsonPropertyName("scan_run_id")] string ScanRunId,
    [property: JsonPropertyName("instance_id")] string InstanceId,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("trigger")] string Trigger,
    [property: JsonPropertyName("forced")] bool Forced,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("completed_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? CompletedAt,
    [property: JsonPropertyName("duration_ms"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? DurationMs,
    [property: JsonPropertyName("counts")] ScanCountsReport Counts,
    [property: JsonPropertyName("scopes")] IReadOnlyDictionary<string, string> Scopes,
    [property: JsonPropertyName("warnings")] IReadOnlyList<string> Warnings,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Error,
    [property: JsonPropertyName("progress")] ScanProgressReport Progress);

/// <summary>What a finished scan found and what it changed in the inventory.</summary>
public sealed record ScanCountsReport(
    [property: JsonPropertyName("discovered")] int Discovered,
    [property: JsonPropertyName("edges")] int Edges,
    [property: JsonPropertyName("created")] int Created,
    [property: JsonPropertyName("updated")] int Updated,
    [property: JsonPropertyName("unchanged")] int Unchanged,
    [property: JsonPropertyName("deleted")] int Deleted,
    [property: JsonPropertyName("stale")] int Stale,
    [property: JsonPropertyName("restored")] int Restored,
    [property: JsonPropertyName("rejected")] int Rejected,
    [property: JsonPropertyName("entity_writes")] int EntityWrites);

/// <summary>
/// How far a scan has got: scopes reported (completed, failed, incomplete or unavailable) of those expected, and
/// distinct assets reported so far. <c>scopes_total</c> is null while nothing tells how many to expect; it is
/// estimated (from the instance's last finished scan) when the plugin does not say. <c>updated_at</c> is when the
/// running scan last recorded it.
/// </summary>
public sealed record ScanProgressReport(
    [property: JsonPropertyName("scopes_done")] int ScopesDone,
    [property: JsonPropertyName("scopes_total"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? ScopesTotal,
    [property: JsonPropertyName("scopes_total_estimated")] bool ScopesTotalEstimated,
    [property: JsonPropertyName("assets")] int Assets,
    [property: JsonPropertyName("updated_at"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? UpdatedAt);

/// <summary>A scan run's record as the API, the change feed and `sd` show it.</summary>
public static class ScanRunReports
{
    /// <summary>The run as the API and the change feed show it.</summary>
    public static ScanRunReport ToReport(this ScanRun run)
    {
        var scopes = new Dictionary<string, string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        foreach ((string scope, ScopeNote note) in run.Notes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            scopes[scope] = note.Outcome == ScopeNote.Unavailable
                ? "unavailable: " + string.Join("; ", note.Messages)
                : $"incomplete: {note.Messages.Count + note.Dropped} item(s) could not be read";
            if (note.Outcome == ScopeNote.Incomplete)
            {
                warnings.AddRange(note.Messages.Select(message => $"{scope}: {message}"));
            }
        }

        foreach ((string scope, string? failure) in run.Scopes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (failure is not null || !run.Notes.ContainsKey(scope))
            {
                scopes[scope] = failure is null ? "completed" : "failed: " + failure;
            }
        }

        // Rows from before progress was kept: a finished run's scopes are all it reported.
        ScanProgressReport progress = run.Progress is { } p
            ? new ScanProgressReport(p.ScopesDone, p.ScopesTotal, p.ScopesTotalEstimated, p.Assets, p.UpdatedAt)
            : run.Status == ScanStatus.Running
                ? new ScanProgressReport(0, null, false, 0, null)
                : new ScanProgressReport(scopes.Count, scopes.Count, false, run.Assets, run.CompletedAt);
        ScanChanges changes = run.Changes;
        var counts = new ScanCountsReport(
            run.Assets, run.Edges, changes.Created, changes.Updated, changes.Unchanged, changes.Deleted, changes.Stale, changes.Restored, run.Rejected, changes.EntityWrites);
        return new ScanRunReport(
            run.RunId, run.InstanceId, run.Status, run.Trigger, run.Forced, run.StartedAt, run.CompletedAt,
            run.CompletedAt is { } done ? (long)(done - run.StartedAt).TotalMilliseconds : null,
            counts, scopes, warnings, run.Error ?? changes.Refusal, progress);
    }

    /// <summary>The report as JSON (the scan events' data).</summary>
    public static JsonObject ToJson(this ScanRun run) => JsonSerializer.SerializeToNode(run.ToReport(), ScanJsonContext.Default.ScanRunReport)!.AsObject();
}

/// <summary>Source-generated JSON for scan run reports (the change feed's scan events carry them).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ScanRunReport))]
internal sealed partial class ScanJsonContext : JsonSerializerContext;

using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>One source's scan: what the plugin found and what that changed in the inventory the state file keeps.</summary>
internal sealed record ScanOutcome(ScanSource Source, DetachedScanResult Result, SnapshotResult Snapshot, DateTimeOffset StartedAt, DateTimeOffset CompletedAt)
{
    /// <summary>succeeded (every scope observed), partial (some scope failed) or failed (the plugin failed; nothing counts).</summary>
    public string Status => Result.Error is not null ? ScanStatus.Failed : Result.Scopes.Values.Any(e => e is not null) ? ScanStatus.Partial : ScanStatus.Succeeded;

    /// <summary>The scan record, in the same shape as the service's GET /api/v1/instances/{id}/scans entries, plus the assets, edges and changes.</summary>
    public JsonObject ToJson()
    {
        var run = new ScanRun
        {
            Tenant = "local",
            InstanceId = Source.InstanceId,
            RunId = ScanRun.NewRunId(StartedAt),
            Status = Status,
            Trigger = "sd",
            StartedAt = StartedAt,
            CompletedAt = CompletedAt,
            Changes = Snapshot.Counts,
            Assets = Result.Assets.Count,
            Edges = Result.Edges.Count,
            Rejected = Result.Rejected,
            Error = Result.Error ?? (Status == ScanStatus.Partial ? $"{Result.Scopes.Values.Count(e => e is not null)} scope(s) failed; their assets were kept, marked stale." : null),
            Scopes = Result.Scopes,
            Notes = Result.Notes,
        };
        JsonObject json = run.ToJson();
        json.Remove("scan_run_id");
        json.Remove("forced");
        json["counts"]!.AsObject().Remove("entity_writes");
        json["plugin_type"] = Source.Type.Metadata.TypeId;
        json["assets"] = new JsonArray([.. Snapshot.Assets.Select(a => (JsonNode?)StateFile.ToJson(a))]);
        json["edges"] = new JsonArray([.. Result.Edges
            .OrderBy(e => e.SourceId, StringComparer.Ordinal).ThenBy(e => e.TargetId, StringComparer.Ordinal).ThenBy(e => e.Relationship, StringComparer.Ordinal)
            .Select(e => (JsonNode?)new JsonObject
            {
                ["source_type"] = e.SourceType,
                ["source_id"] = e.SourceId,
                ["relationship"] = e.Relationship,
                ["target_type"] = e.TargetType,
                ["target_id"] = e.TargetId,
            })]);
        json["changes"] = new JsonArray([.. Snapshot.Changes.Select(c => (JsonNode?)new JsonObject
        {
            ["change"] = c.Kind,
            ["type"] = c.Type,
            ["id"] = c.Id,
            ["name"] = c.Name,
            ["fields"] = new JsonArray([.. c.Fields.Select(f => (JsonNode?)f)]),
            ["reason"] = c.Reason,
        })]);
        return json;
    }
}

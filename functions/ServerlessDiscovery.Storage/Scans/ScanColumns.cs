namespace ServerlessDiscovery.Storage.Scans;

/// <summary>Columns of a row in the "scans" table (PartitionKey {tenant}~{instance}, RowKey {inverted start ticks}~{run id}).</summary>
internal static class ScanColumns
{
    public const string RunId = "RunId";
    public const string Status = "Status";
    public const string Trigger = "Trigger";
    public const string Forced = "Forced";
    public const string StartedAt = "StartedAt";
    public const string Created = "Created";
    public const string Updated = "Updated";
    public const string Unchanged = "Unchanged";
    public const string Deleted = "Deleted";
    public const string Stale = "Stale";
    public const string Restored = "Restored";
    public const string EntityWrites = "EntityWrites";
    public const string Assets = "Assets";
    public const string Edges = "Edges";
    public const string Rejected = "Rejected";
    public const string Host = "Host";
    public const string CompletedAt = "CompletedAt";
    /// <summary>The run's error, or the deletion guard's refusal when the status is refused; at most 30,000 characters.</summary>
    public const string Error = "Error";
    public const string ProgressScopesDone = "ProgressScopesDone";
    public const string ProgressScopesTotal = "ProgressScopesTotal";
    public const string ProgressScopesTotalEstimated = "ProgressScopesTotalEstimated";
    public const string ProgressAssets = "ProgressAssets";
    public const string ProgressAt = "ProgressAt";
    /// <summary>JSON object: scope to null (fully observed) or its error, split by <see cref="LargeText"/>.</summary>
    public const string Scopes = "Scopes";
    /// <summary>JSON object: scope to {outcome, messages, dropped} for incomplete or unavailable scopes.</summary>
    public const string ScopeNotes = "ScopeNotes";
}

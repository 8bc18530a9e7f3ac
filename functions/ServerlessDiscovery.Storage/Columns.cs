namespace ServerlessDiscovery.Storage;

/// <summary>Columns of an asset row in the "assets" table (PartitionKey {tenant}~{instance}, RowKey {type}~{escaped id}).</summary>
internal static class AssetColumns
{
    public const string Tenant = "Tenant";
    public const string Instance = "Instance";
    public const string Type = "Type";
    public const string Id = "Id";
    public const string Name = "Name";
    public const string Scope = "Scope";
    public const string State = "State";
    public const string Reason = "Reason";
    /// <summary>SHA-256 of the canonical content: equal hashes mean nothing to write.</summary>
    public const string Hash = "Hash";
    public const string Version = "Version";
    public const string FirstSeen = "FirstSeen";
    public const string LastSeen = "LastSeen";
    public const string LastChanged = "LastChanged";
    public const string StateChangedAt = "StateChangedAt";
    public const string LastRunId = "LastRunId";
    /// <summary>Canonical JSON, split by <see cref="LargeText"/>.</summary>
    public const string Attributes = "Attributes";
    public const string Invocations = "Invocations";
    public const string InputTokens = "InputTokens";
    public const string OutputTokens = "OutputTokens";
    public const string LastInvoked = "LastInvoked";
    /// <summary>Earliest invocation seen in traces; with <see cref="Callers"/> kept apart from the content hash like the counters.</summary>
    public const string FirstInvoked = "FirstInvoked";
    /// <summary>JSON array of "service:{name}" / "agent:{name}" that invoked the asset, bounded.</summary>
    public const string Callers = "Callers";
    /// <summary>Ids of the latest OTLP journal drains applied to the row (space-separated), so a re-applied drain is recognised.</summary>
    public const string Drains = "Drains";
}

/// <summary>
/// Columns of a usage row: what traces observed of a declared asset, kept beside it (RowKey "!usage~{asset RowKey}")
/// so counters never touch the asset row a scan compares by content hash.
/// </summary>
internal static class UsageColumns
{
    public const string Type = AssetColumns.Type;
    public const string Id = AssetColumns.Id;
    public const string Invocations = AssetColumns.Invocations;
    public const string InputTokens = AssetColumns.InputTokens;
    public const string OutputTokens = AssetColumns.OutputTokens;
    public const string FirstInvoked = AssetColumns.FirstInvoked;
    public const string LastInvoked = AssetColumns.LastInvoked;
    public const string Callers = AssetColumns.Callers;
    public const string Drains = AssetColumns.Drains;
    /// <summary>JSON array of the trace-derived identities ("{type}/{id}") resolved to this asset, bounded.</summary>
    public const string Via = "Via";
    /// <summary>The resolution rule that matched most recently.</summary>
    public const string Rule = "Rule";
}

/// <summary>Columns of an outbox row, kept beside the assets it belongs to (RowKey "!outbox~{first event id}").</summary>
internal static class OutboxColumns
{
    public const string Count = "Count";
    /// <summary>A JSON array of CloudEvents, split by <see cref="LargeText"/>.</summary>
    public const string Events = "Events";
}

/// <summary>
/// Columns of a change log row in the "changes" table (PartitionKey {tenant}, RowKey {relay time ticks, 19 digits}~{n}~{instance}):
/// the events of one relayed outbox row.
/// </summary>
internal static class ChangeLogColumns
{
    public const string Instance = AssetColumns.Instance;
    public const string Count = OutboxColumns.Count;
    /// <summary>A JSON array of CloudEvents, split by <see cref="LargeText"/>.</summary>
    public const string Events = OutboxColumns.Events;
}

/// <summary>Columns of a lineage row in the "edges" table (PartitionKey {tenant}~{instance}).</summary>
internal static class EdgeColumns
{
    public const string Tenant = AssetColumns.Tenant;
    public const string Instance = AssetColumns.Instance;
    public const string SourceType = "SourceType";
    public const string SourceId = "SourceId";
    public const string Relationship = "Relationship";
    public const string TargetType = "TargetType";
    public const string TargetId = "TargetId";
    public const string Scope = AssetColumns.Scope;
    public const string State = AssetColumns.State;
    public const string FirstSeen = AssetColumns.FirstSeen;
    public const string StateChangedAt = AssetColumns.StateChangedAt;
}

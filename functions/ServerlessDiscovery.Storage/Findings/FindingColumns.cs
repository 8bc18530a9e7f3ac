namespace ServerlessDiscovery.Storage.Findings;

/// <summary>Columns of a finding row in the "findings" table (PartitionKey tenant, RowKey the escaped finding key).</summary>
internal static class FindingColumns
{
    public const string Kind = "Kind";
    public const string State = "State";
    public const string SubjectType = "SubjectType";
    public const string SubjectId = "SubjectId";
    /// <summary>The instance whose outbox carries the finding's events: the trace instance for shadow, the declaring one for unused.</summary>
    public const string Instance = "Instance";
    public const string Reason = "Reason";
    /// <summary>JSON object (stored as the core hands it: canonical, sorted keys): services, hosts, first/last seen, counts.</summary>
    public const string Evidence = "Evidence";
    public const string OpenedAt = "OpenedAt";
    public const string UpdatedAt = "UpdatedAt";
    public const string ResolvedAt = "ResolvedAt";
}

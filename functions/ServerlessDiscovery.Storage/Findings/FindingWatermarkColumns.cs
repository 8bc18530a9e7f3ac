namespace ServerlessDiscovery.Storage.Findings;

/// <summary>
/// Columns of a tenant's findings watermark, the row "!evaluation" of its findings partition: when findings were last
/// evaluated, over which instances, when an unused finding can next fall due, and when traces last changed the tenant.
/// </summary>
internal static class FindingWatermarkColumns
{
    /// <summary>A hash of the tenant's instances as evaluated (ids, types, traced, last scan run and its status).</summary>
    public const string Instances = "Instances";
    public const string EvaluatedAt = "EvaluatedAt";
    /// <summary>The earliest time a declared asset of a traced instance reaches Discovery__UnusedAfter without use.</summary>
    public const string NextUnusedAt = "NextUnusedAt";
    /// <summary>The last evaluation that traces (not scans or time) made due.</summary>
    public const string TraceEvaluatedAt = "TraceEvaluatedAt";
    /// <summary>Written by every OTLP drain of the tenant once its observations are in the inventory.</summary>
    public const string ObservedAt = "ObservedAt";
}

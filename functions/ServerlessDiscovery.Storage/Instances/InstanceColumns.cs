namespace ServerlessDiscovery.Storage.Instances;

/// <summary>Columns of a row in the "instances" table (PartitionKey tenant, RowKey instance id).</summary>
internal static class InstanceColumns
{
    public const string PluginType = "PluginType";
    public const string DisplayName = "DisplayName";
    public const string Schedule = "Schedule";
    public const string Enabled = "Enabled";
    public const string Traced = "Traced";
    public const string Owner = "Owner";
    public const string ConfiguredBy = "ConfiguredBy";

    /// <summary>The config fields that are not secret, as a JSON object.</summary>
    public const string Config = "Config";

    /// <summary>The secret config fields as one sealed JSON object; absent when there are none.</summary>
    public const string Secrets = "Secrets";
    public const string CreatedAt = "CreatedAt";
    public const string UpdatedAt = "UpdatedAt";
    public const string LeaseOwner = "LeaseOwner";
    public const string LeaseUntil = "LeaseUntil";
    public const string LastScheduledAt = "LastScheduledAt";
    public const string LastRunId = "LastRunId";
    public const string LastRunStatus = "LastRunStatus";
    public const string LastRunAt = "LastRunAt";
}

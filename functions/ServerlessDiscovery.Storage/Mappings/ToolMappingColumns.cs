namespace ServerlessDiscovery.Storage.Mappings;

/// <summary>Columns of a row in the "toolmappings" table (PartitionKey the tenant, RowKey the mapping id).</summary>
internal static class ToolMappingColumns
{
    public const string PluginName = "PluginName";

    /// <summary>The attributes to match, as a JSON object of names and text values.</summary>
    public const string Attributes = "Attributes";

    public const string MatchType = "MatchType";

    public const string SourceName = "SourceName";

    public const string SourceId = "SourceId";

    /// <summary>When the mapping was first saved: its place in the tenant's order.</summary>
    public const string CreatedAt = "CreatedAt";
}

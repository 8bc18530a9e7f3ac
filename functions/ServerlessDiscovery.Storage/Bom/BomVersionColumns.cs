namespace ServerlessDiscovery.Storage.Bom;

/// <summary>Columns of a row in the "bomversions" table (PartitionKey escaped tenant, RowKey escaped BOM scope).</summary>
internal static class BomVersionColumns
{
    /// <summary>SHA-256 (hex) of the BOM's content without its metadata.</summary>
    public const string Hash = "Hash";

    /// <summary>The BOM version: 1 for the first content seen, plus one each time the content changes.</summary>
    public const string Version = "Version";

    /// <summary>When this content was first exported: the BOM's metadata.timestamp.</summary>
    public const string Since = "Since";
}

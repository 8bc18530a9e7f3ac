namespace ServerlessDiscovery.Plugins.Databricks.Discovery;

/// <summary>
/// How much one scan reads: the page size sent on paged lists, and how many catalogs and schemas (over all catalogs)
/// are searched for Unity Catalog functions, which can only be listed one schema at a time.
/// </summary>
internal sealed record ScanLimits(int PageSize, int MaxFunctionCatalogs, int MaxFunctionSchemas)
{
    public const int DefaultFunctionCatalogs = 100;
    public const int DefaultFunctionSchemas = 1000;
}

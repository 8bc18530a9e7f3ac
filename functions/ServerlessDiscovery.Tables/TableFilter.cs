using System.Globalization;

namespace ServerlessDiscovery.Tables;

/// <summary>Builds OData $filter expressions with values quoted safely.</summary>
public static class TableFilter
{
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Equal(string property, string value) => $"{property} eq {Quote(value)}";

    public static string Equal(string property, bool value) => $"{property} eq {(value ? "true" : "false")}";

    public static string Partition(string partitionKey) => Equal("PartitionKey", partitionKey);

    /// <summary>Row keys that start with <paramref name="prefix"/> within one partition.</summary>
    public static string RowKeyPrefix(string partitionKey, string prefix) =>
        $"{Partition(partitionKey)} and {Range("RowKey", prefix)}";

    /// <summary>Values of <paramref name="property"/> that start with <paramref name="prefix"/>.</summary>
    public static string Range(string property, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return $"{property} ge {Quote(prefix)} and {property} lt {Quote(upper)}";
    }

    public static string DateTime(DateTimeOffset value) =>
        "datetime'" + value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'";

    public static string And(params string?[] clauses) =>
        string.Join(" and ", clauses.Where(c => !string.IsNullOrEmpty(c)).Select(c => "(" + c + ")"));
}

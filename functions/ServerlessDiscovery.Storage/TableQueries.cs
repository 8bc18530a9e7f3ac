using System.Buffers.Text;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace ServerlessDiscovery.Storage;

/// <summary>One page of query results and the opaque token for the next page (null when there is none).</summary>
public sealed record TablePage<T>(IReadOnlyList<T> Items, string? ContinuationToken);

/// <summary>Filters built with <see cref="TableClient.CreateQueryFilter(FormattableString)"/> (values quoted safely), and paging with opaque tokens.</summary>
public static class TableQueries
{
    /// <summary>The service's limit on actions in one entity group transaction.</summary>
    public const int MaxTransactionActions = 100;

    /// <summary>The service's limit on entities in one query page.</summary>
    public const int MaxPageSize = 1000;

    private const string TokenPrefix = "sd1\n";

    public static string Partition(string partitionKey) => TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");

    public static string Equal(string property, string value) => property + " eq " + TableClient.CreateQueryFilter($"{value}");

    /// <summary>Values of <paramref name="property"/> that start with <paramref name="prefix"/>.</summary>
    public static string Range(string property, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        string upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return $"{property} ge {TableClient.CreateQueryFilter($"{prefix}")} and {property} lt {TableClient.CreateQueryFilter($"{upper}")}";
    }

    /// <summary>Row keys that start with <paramref name="prefix"/> within one partition.</summary>
    public static string RowKeyPrefix(string partitionKey, string prefix) => $"{Partition(partitionKey)} and {Range("RowKey", prefix)}";

    /// <summary>Row keys at or after <paramref name="from"/> within one partition.</summary>
    public static string RowKeyFrom(string partitionKey, string from) =>
        $"{Partition(partitionKey)} and RowKey ge {TableClient.CreateQueryFilter($"{from}")}";

    public static string And(params string?[] clauses) =>
        string.Join(" and ", clauses.Where(c => !string.IsNullOrEmpty(c)).Select(c => "(" + c + ")"));

    /// <summary>
    /// Reads one page of at most <paramref name="maxPerPage"/> entities. The token is the SDK's, wrapped so that callers
    /// (the API's continuationToken) see one opaque URL-safe string; a token this service did not issue throws <see cref="ArgumentException"/>.
    /// </summary>
    public static async Task<TablePage<T>> QueryPageAsync<T>(
        this TableClient table, string? filter, int maxPerPage, string? continuationToken = null, IEnumerable<string>? select = null, CancellationToken cancellationToken = default)
        where T : class, ITableEntity
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerPage, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxPerPage, MaxPageSize);
        string? inner = continuationToken is null ? null : Decode(continuationToken);
        await foreach (Page<T> page in table.QueryAsync<T>(filter, maxPerPage, select, cancellationToken).AsPages(inner, maxPerPage))
        {
            return new TablePage<T>(page.Values, string.IsNullOrEmpty(page.ContinuationToken) ? null : Encode(page.ContinuationToken));
        }

        return new TablePage<T>([], null);
    }

    private static string Encode(string token) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenPrefix + token));

    private static string Decode(string token)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token));
        }

        if (!text.StartsWith(TokenPrefix, StringComparison.Ordinal) || text.Length == TokenPrefix.Length)
        {
            throw new ArgumentException("The continuation token is not one this service issued.", nameof(token));
        }

        return text[TokenPrefix.Length..];
    }
}

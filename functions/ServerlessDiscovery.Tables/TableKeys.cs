namespace ServerlessDiscovery.Tables;

/// <summary>Checks keys and table names against Table Storage's rules before anything is sent.</summary>
public static class TableKeys
{
    /// <summary>Keys are limited to 1 KiB; we keep to characters, which is stricter for non-ASCII text.</summary>
    public const int MaxKeyLength = 512;

    public static void Validate(string partitionKey, string rowKey)
    {
        ValidateKey(partitionKey, "PartitionKey");
        ValidateKey(rowKey, "RowKey");
    }

    public static void ValidateKey(string key, string name)
    {
        ArgumentNullException.ThrowIfNull(key, name);
        if (key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"{name} is {key.Length} characters long; the limit is {MaxKeyLength}.", name);
        }

        foreach (char c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"{name} contains '{Describe(c)}', which Table Storage does not allow in keys (/ \\ # ? and control characters).", name);
            }
        }
    }

    public static void ValidateTableName(string tableName)
    {
        ArgumentNullException.ThrowIfNull(tableName);
        bool ok = tableName.Length is >= 3 and <= 63 && char.IsAsciiLetter(tableName[0]);
        foreach (char c in tableName)
        {
            ok &= char.IsAsciiLetterOrDigit(c);
        }

        if (!ok)
        {
            throw new ArgumentException(
                $"Table name '{tableName}' is invalid: 3 to 63 letters or digits, starting with a letter.", nameof(tableName));
        }
    }

    private static string Describe(char c) => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
}

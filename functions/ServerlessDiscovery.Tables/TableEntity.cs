namespace ServerlessDiscovery.Tables;

/// <summary>
/// One Table Storage entity: its keys, its ETag and timestamp as read, and its properties.
/// Property values are <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="DateTimeOffset"/>, <see cref="Guid"/> or <see cref="byte"/>[]; null removes a property on merge.
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>The ETag the service returned when this entity was read; null for a new entity.</summary>
    public string? ETag { get; set; }

    /// <summary>The service's last-modified time, when read.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public IReadOnlyDictionary<string, object?> Properties => _properties;

    public object? this[string name]
    {
        get => _properties.GetValueOrDefault(name);
        set
        {
            TableValue.EnsureSupported(name, value);
            _properties[name] = value;
        }
    }

    public bool Remove(string name) => _properties.Remove(name);

    public string? GetString(string name) => this[name] as string;

    public int? GetInt32(string name) => this[name] is int v ? v : null;

    public long? GetInt64(string name) => this[name] switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    public double? GetDouble(string name) => this[name] switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    public bool? GetBoolean(string name) => this[name] is bool v ? v : null;

    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] is DateTimeOffset v ? v : null;

    public Guid? GetGuid(string name) => this[name] is Guid v ? v : null;

    public byte[]? GetBinary(string name) => this[name] as byte[];
}

namespace ServerlessDiscovery.Plugins.OpenTelemetry;

/// <summary>
/// Aggregatable usage of one asset: counters that add up across batches and hosts, and the latest invocation time
/// (which only moves forward). Kept apart from asset attributes, which are content and must not change per call.
/// </summary>
public sealed class AssetUsage
{
    public long Invocations { get; set; }

    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public DateTimeOffset? FirstInvoked { get; set; }

    public DateTimeOffset? LastInvoked { get; set; }

    /// <summary>Most callers kept per asset: the set is evidence, not an audit log.</summary>
    public const int MaxCallers = 32;

    /// <summary>Who invoked the asset: <c>service:{service.name}</c> and <c>agent:{agent name}</c>, at most <see cref="MaxCallers"/>.</summary>
    public SortedSet<string> Callers { get; } = new(StringComparer.Ordinal);

    /// <summary>Records a caller unless the set is full.</summary>
    public void AddCaller(string caller)
    {
        if (Callers.Count < MaxCallers)
        {
            Callers.Add(caller);
        }
    }

    /// <summary>Adds <paramref name="other"/>'s counts into this one (associative and commutative, so merge order does not matter).</summary>
    public void Add(AssetUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Invocations += other.Invocations;
        InputTokens += other.InputTokens;
        OutputTokens += other.OutputTokens;
        Observe(other.FirstInvoked);
        Observe(other.LastInvoked);
        foreach (string caller in other.Callers)
        {
            AddCaller(caller);
        }
    }

    internal void Observe(DateTimeOffset? time)
    {
        if (time is { } t && (LastInvoked is null || t > LastInvoked))
        {
            LastInvoked = t;
        }

        if (time is { } f && (FirstInvoked is null || f < FirstInvoked))
        {
            FirstInvoked = f;
        }
    }
}

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

    public DateTimeOffset? LastInvoked { get; set; }

    /// <summary>Adds <paramref name="other"/>'s counts into this one (associative and commutative, so merge order does not matter).</summary>
    public void Add(AssetUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Invocations += other.Invocations;
        InputTokens += other.InputTokens;
        OutputTokens += other.OutputTokens;
        Observe(other.LastInvoked);
    }

    internal void Observe(DateTimeOffset? time)
    {
        if (time is { } t && (LastInvoked is null || t > LastInvoked))
        {
            LastInvoked = t;
        }
    }
}

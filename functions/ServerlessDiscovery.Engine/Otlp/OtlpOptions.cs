using Microsoft.Extensions.Options;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>Otlp__*: the OTLP/HTTP receiver's limits and how often the journal is drained into trace-derived assets.</summary>
public sealed class OtlpOptions
{
    public const string Section = "Otlp";

    /// <summary>Largest request body, after gzip decoding; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How often journaled observations are drained into the inventory: at most one write per asset per interval.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When a request reveals an asset this host has not seen, drain ahead of <see cref="FlushInterval"/> (at most once per
    /// <see cref="TraceFlusher.EarlyDrainSpacing"/>), so a new asset is listed within about 2 s while counters stay batched.
    /// </summary>
    public bool EarlyDrain { get; set; } = true;

    /// <summary>Distinct assets one drain of the journal merges in memory (all tenants); the rest waits for the next pass.</summary>
    public int MaxPendingAssets { get; set; } = 50_000;

    /// <summary>Requests decoded at once; beyond it requests get 503 with Retry-After.</summary>
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>
    /// Spans the trace attributor remembers over all traces, so a relationship whose ancestor span came in an earlier
    /// request is still found; the least recently touched traces are forgotten first. The attributor's memory is part of
    /// the working set (README, Benchmarks: about 150 bytes a span, 600 bytes a trace of four spans, measured full).
    /// </summary>
    public int AttributionMaxSpans { get; set; } = 25_000;

    /// <summary>Traces the trace attributor remembers at once, over all tenants; the least recently touched is forgotten first.</summary>
    public int AttributionMaxTraces { get; set; } = 5_000;
}

internal sealed class OtlpOptionsValidator : IValidateOptions<OtlpOptions>
{
    public ValidateOptionsResult Validate(string? name, OtlpOptions o)
    {
        var failures = new List<string>();
        if (o.MaxBodyBytes is < 1024 or > 256 * 1024 * 1024)
        {
            failures.Add("Otlp__MaxBodyBytes must be between 1024 and 268435456.");
        }

        if (o.FlushInterval < TimeSpan.FromMilliseconds(100) || o.FlushInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Otlp__FlushInterval must be between 00:00:00.1 and 01:00:00.");
        }

        if (o.MaxPendingAssets < 100)
        {
            failures.Add("Otlp__MaxPendingAssets must be at least 100.");
        }

        if (o.MaxConcurrentRequests is < 1 or > 10_000)
        {
            failures.Add("Otlp__MaxConcurrentRequests must be between 1 and 10000.");
        }

        if (o.AttributionMaxSpans is < 1_000 or > 10_000_000)
        {
            failures.Add("Otlp__AttributionMaxSpans must be between 1000 and 10000000.");
        }

        if (o.AttributionMaxTraces is < 100 or > 1_000_000)
        {
            failures.Add("Otlp__AttributionMaxTraces must be between 100 and 1000000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using System.ComponentModel.DataAnnotations;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

/// <summary>
/// Bounds of <see cref="TraceAttributor"/>. Measured full with traces of four spans (the benchmarks' attributor-memory),
/// a trace costs about 600 bytes with its state, 150 bytes a span, so <see cref="MaxTraces"/> alone holds such traffic
/// near 12 MiB; larger traces were not measured. The app sets its own bounds (Otlp__AttributionMaxTraces, Otlp__AttributionMaxSpans).
/// </summary>
public sealed class TraceAttributorOptions
{
    /// <summary>Traces remembered at once, over all tenants; the least recently touched is forgotten first.</summary>
    [Range(16, 10_000_000)]
    public int MaxTraces { get; set; } = 20_000;

    /// <summary>Spans remembered per trace; later spans of a full trace are not remembered (their own facts still count).</summary>
    [Range(1, 1_000_000)]
    public int MaxSpansPerTrace { get; set; } = 2_000;

    /// <summary>Spans remembered over all traces; least recently touched traces are forgotten to stay under it.</summary>
    [Range(16, 100_000_000)]
    public int MaxSpans { get; set; } = 500_000;

    /// <summary>A trace untouched for this long is forgotten, with any relationships still waiting on an ancestor.</summary>
    public TimeSpan TraceIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

using ServerlessDiscovery.Domain.Findings;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>Why a tenant's findings are evaluated on a tick; <see cref="None"/> skips it without reading its inventory.</summary>
public enum EvaluationCause
{
    None,

    /// <summary>Never evaluated (or its watermark was lost).</summary>
    First,

    /// <summary>An instance was added, removed, stated traced or not, or scanned since.</summary>
    Instances,

    /// <summary>A declared asset of a traced instance reaches Discovery__UnusedAfter without use.</summary>
    UnusedDue,

    /// <summary>Traces changed the tenant's observed assets or usage since.</summary>
    Observed,

    /// <summary>The periodic full evaluation (<see cref="FindingsSchedule.FullRefresh"/>) that catches any other change.</summary>
    Refresh,
}

/// <summary>
/// When a tenant's findings are evaluated, from its <see cref="FindingsWatermark"/>: only when something that can change a
/// finding changed since the last evaluation: its instances (a scan, an instance added, removed or stated traced), its
/// traces (every OTLP drain stamps <see cref="FindingsWatermark.ObservedAt"/> once its observations are written; such
/// evaluations are at most one per <see cref="TraceSpacing"/>), or the clock (the earliest moment an <c>unused</c>
/// finding can fall due). A full evaluation at least every <see cref="FullRefresh"/> bounds whatever else changes the
/// inventory (a reset, a restore). The watermark's instances hash is <see cref="FindingsEvaluator.InstancesHash"/>.
/// </summary>
public static class FindingsSchedule
{
    /// <summary>Least time between two evaluations caused by traces alone: under steady traffic a tenant is read this often, not every tick.</summary>
    public static readonly TimeSpan TraceSpacing = TimeSpan.FromMinutes(5);

    /// <summary>Longest time between two evaluations of a tenant, whatever changed.</summary>
    public static readonly TimeSpan FullRefresh = TimeSpan.FromHours(1);

    /// <summary>Hosts' clocks may differ by this much: a drain stamped this close before an evaluation started is evaluated again.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>Why the tenant must be evaluated now, given its current instances' hash.</summary>
    public static EvaluationCause Due(FindingsWatermark? mark, string instances, DateTimeOffset now)
    {
        if (mark is null)
        {
            return EvaluationCause.First;
        }

        if (mark.Instances != instances)
        {
            return EvaluationCause.Instances;
        }

        if (now >= mark.NextUnusedAt)
        {
            return EvaluationCause.UnusedDue;
        }

        bool observedSince = mark.ObservedAt is { } observed && observed > mark.EvaluatedAt - ClockSkew;
        if (observedSince && (mark.TraceEvaluatedAt is not { } traced || now - traced >= TraceSpacing))
        {
            return EvaluationCause.Observed;
        }

        return now - mark.EvaluatedAt >= FullRefresh ? EvaluationCause.Refresh : EvaluationCause.None;
    }
}

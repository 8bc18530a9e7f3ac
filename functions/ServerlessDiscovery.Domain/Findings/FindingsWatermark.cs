namespace ServerlessDiscovery.Domain.Findings;

/// <summary>
/// What a tenant's last findings evaluation saw, so that a tick evaluates the tenant only when something that can change
/// a finding changed since (the core's FindingsSchedule decides from it).
/// </summary>
/// <param name="Instances">A hash of the instances evaluated (ids, plugin types, traced, last scan run and its status).</param>
/// <param name="EvaluatedAt">When the last evaluation started, before it read anything.</param>
/// <param name="NextUnusedAt">When the next <c>unused</c> finding can open; <see cref="DateTimeOffset.MaxValue"/> when none can.</param>
/// <param name="TraceEvaluatedAt">When the last evaluation caused by traces started.</param>
/// <param name="ObservedAt">When an OTLP drain last wrote the tenant's observations.</param>
public sealed record FindingsWatermark(string Instances, DateTimeOffset EvaluatedAt, DateTimeOffset NextUnusedAt, DateTimeOffset? TraceEvaluatedAt, DateTimeOffset? ObservedAt);

using ServerlessDiscovery.Domain.Findings;

namespace ServerlessDiscovery.Engine.Tests.Findings;

/// <summary>
/// <see cref="IFindingStore"/> in memory, with the contract's semantics: one finding per key, listed most recently
/// updated first (ties by key), and a watermark whose evaluation and drain stamps merge. For unit tests of logic only.
/// </summary>
internal sealed class InMemoryFindingStore : IFindingStore
{
    private readonly Dictionary<(string Tenant, string Key), TrackedFinding> _findings = [];
    private readonly Dictionary<string, FindingsWatermark> _marks = new(StringComparer.Ordinal);

    /// <summary>Runs before each upsert is applied (with the findings about to be written), so a test can see what was stored before.</summary>
    public Action<IReadOnlyList<TrackedFinding>>? BeforeUpsert { get; set; }

    public Task<IReadOnlyList<TrackedFinding>> ListAsync(string tenant, string? kind = null, string? state = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TrackedFinding>>([.. _findings
            .Where(p => p.Key.Tenant == tenant && (kind is null || p.Value.Finding.Kind == kind) && (state is null || p.Value.State == state))
            .OrderByDescending(p => p.Value.UpdatedAt)
            .ThenBy(p => p.Key.Key, StringComparer.Ordinal)
            .Select(p => p.Value)]);

    public Task UpsertAsync(string tenant, IReadOnlyList<TrackedFinding> findings, CancellationToken cancellationToken = default)
    {
        BeforeUpsert?.Invoke(findings);
        foreach (TrackedFinding finding in findings)
        {
            _findings[(tenant, finding.Key)] = finding;
        }

        return Task.CompletedTask;
    }

    public Task<FindingsWatermark?> GetWatermarkAsync(string tenant, CancellationToken cancellationToken = default)
    {
        FindingsWatermark? mark = _marks.GetValueOrDefault(tenant);
        return Task.FromResult(mark is null || mark.EvaluatedAt == default ? null : mark);
    }

    public Task SetEvaluatedAsync(string tenant, FindingsWatermark mark, CancellationToken cancellationToken = default)
    {
        FindingsWatermark? stored = _marks.GetValueOrDefault(tenant);
        _marks[tenant] = mark with
        {
            TraceEvaluatedAt = mark.TraceEvaluatedAt ?? stored?.TraceEvaluatedAt,
            ObservedAt = stored?.ObservedAt,
        };
        return Task.CompletedTask;
    }

    public Task MarkObservedAsync(string tenant, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        FindingsWatermark stored = _marks.GetValueOrDefault(tenant) ?? new FindingsWatermark(string.Empty, default, DateTimeOffset.MaxValue, null, null);
        _marks[tenant] = stored with { ObservedAt = at };
        return Task.CompletedTask;
    }
}

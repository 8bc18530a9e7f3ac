using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Storage.Findings;

namespace ServerlessDiscovery.Storage.Tests.Findings;

/// <summary>
/// <see cref="TableFindingStore"/> against the real Azurite: findings round-trip (keys that need escaping, evidence
/// larger than one property), list newest first with ties in key order and filter by kind and state, and the watermark's
/// evaluation and drain stamps merge rather than overwrite each other.
/// </summary>
public sealed class TableFindingStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TableFindingStore _store = new(fixture.Store);

    private static string Tenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Upsert_ThenList_RoundTripsEveryField_FiltersByKindAndState()
    {
        string tenant = Tenant();
        TrackedFinding shadow = new(Shadow("http://mcp.internal:8080/mcp#srv?x=1", new JsonObject { ["hosts"] = new JsonArray("a", "b"), ["invocations"] = 3 }), FindingKinds.Open, Now, Now, null);
        TrackedFinding unused = new(Unused("llm", "proxy:4000/model/a"), FindingKinds.Resolved, Now.AddDays(-2), Now.AddMinutes(-1), Now.AddMinutes(-1));
        await _store.UpsertAsync(tenant, [shadow, unused]);
        await _store.SetEvaluatedAsync(tenant, new FindingsWatermark("h", Now, DateTimeOffset.MaxValue, null, null));

        IReadOnlyList<TrackedFinding> all = await _store.ListAsync(tenant);

        Assert.Equal([shadow.Key, unused.Key], all.Select(f => f.Key));
        AssertSame(shadow, all[0]);
        AssertSame(unused, all[1]);
        Assert.Equal([unused.Key], (await _store.ListAsync(tenant, kind: FindingKinds.Unused)).Select(f => f.Key));
        Assert.Equal([shadow.Key], (await _store.ListAsync(tenant, state: FindingKinds.Open)).Select(f => f.Key));
        Assert.Empty(await _store.ListAsync(tenant, kind: FindingKinds.Shadow, state: FindingKinds.Resolved));
        Assert.Empty(await _store.ListAsync(Tenant()));
    }

    [Fact]
    public async Task Upsert_SameKey_ReplacesTheFinding_ResolvedAtGoneWhenReopened()
    {
        string tenant = Tenant();
        Finding finding = Unused("llm", "dep-1");
        await _store.UpsertAsync(tenant, [new TrackedFinding(finding, FindingKinds.Resolved, Now.AddDays(-1), Now.AddHours(-1), Now.AddHours(-1))]);

        TrackedFinding reopened = new(finding with { Reason = "other" }, FindingKinds.Open, Now, Now, null);
        await _store.UpsertAsync(tenant, [reopened]);

        AssertSame(reopened, Assert.Single(await _store.ListAsync(tenant)));
    }

    [Fact]
    public async Task List_NewestUpdateFirst_TiesInTheStoresKeyOrder_AcrossBatches()
    {
        string tenant = Tenant();
        // 250 findings (three transactions of at most 100): one updated last, the rest at one time.
        TrackedFinding[] findings = [.. Enumerable.Range(0, 250).Select(i =>
            new TrackedFinding(Unused("llm", $"dep-{i:D3}"), FindingKinds.Open, Now, i == 7 ? Now.AddMinutes(1) : Now, null))];

        await _store.UpsertAsync(tenant, findings);
        IReadOnlyList<TrackedFinding> listed = await _store.ListAsync(tenant);

        Assert.Equal(250, listed.Count);
        Assert.Equal(findings[7].Key, listed[0].Key);
        Assert.Equal(findings.Where((_, i) => i != 7).Select(f => f.Key), listed.Skip(1).Select(f => f.Key));
    }

    [Fact]
    public async Task Upsert_EvidenceLargerThanOneProperty_RoundTrips()
    {
        string tenant = Tenant();
        var evidence = new JsonObject { ["services"] = new JsonArray([.. Enumerable.Range(0, 4_000).Select(i => (JsonNode?)$"service-{i:D5}-with-a-long-name")]) };
        TrackedFinding large = new(Shadow("openai/gpt-4o", evidence), FindingKinds.Open, Now, Now, null);
        Assert.True(evidence.ToJsonString().Length > 64 * 1024);

        await _store.UpsertAsync(tenant, [large]);

        AssertSame(large, Assert.Single(await _store.ListAsync(tenant)));
    }

    [Fact]
    public async Task Watermark_EvaluationAndDrainStamps_MergeRatherThanOverwrite()
    {
        string tenant = Tenant();
        Assert.Null(await _store.GetWatermarkAsync(tenant));

        // A drain before any evaluation: still never evaluated.
        await _store.MarkObservedAsync(tenant, Now.AddSeconds(-5));
        Assert.Null(await _store.GetWatermarkAsync(tenant));

        await _store.SetEvaluatedAsync(tenant, new FindingsWatermark("h1", Now, Now.AddDays(1), Now, ObservedAt: null));
        Assert.Equal(new FindingsWatermark("h1", Now, Now.AddDays(1), Now, Now.AddSeconds(-5)), await _store.GetWatermarkAsync(tenant));

        // A later evaluation not caused by traces keeps the last trace evaluation; a drain after it keeps the evaluation.
        await _store.SetEvaluatedAsync(tenant, new FindingsWatermark("h2", Now.AddHours(1), DateTimeOffset.MaxValue, null, ObservedAt: null));
        await _store.MarkObservedAsync(tenant, Now.AddHours(2));
        Assert.Equal(new FindingsWatermark("h2", Now.AddHours(1), DateTimeOffset.MaxValue, Now, Now.AddHours(2)), await _store.GetWatermarkAsync(tenant));
        Assert.Empty(await _store.ListAsync(tenant));
    }

    private static Finding Shadow(string id, JsonObject evidence) => new(FindingKinds.Shadow, "mcp_server", id, "otel", "undeclared", evidence);

    private static Finding Unused(string instance, string id) =>
        new(FindingKinds.Unused, "deployment", id, instance, "no_observed_use", new JsonObject { ["idle_since"] = "2026-10-01T00:00:00+00:00", ["unused_after"] = "P30D" });

    private static (string, string, string, string, string, string, DateTimeOffset?, DateTimeOffset?, DateTimeOffset?) Fields(TrackedFinding f) =>
        (f.Finding.Kind, f.Finding.SubjectType, f.Finding.SubjectId, f.Finding.Instance, f.Finding.Reason, f.State, f.OpenedAt, f.UpdatedAt, f.ResolvedAt);

    private static void AssertSame(TrackedFinding expected, TrackedFinding actual)
    {
        Assert.Equal(Fields(expected), Fields(actual));
        Assert.Equal(expected.Finding.Evidence.ToJsonString(), actual.Finding.Evidence.ToJsonString());
    }
}

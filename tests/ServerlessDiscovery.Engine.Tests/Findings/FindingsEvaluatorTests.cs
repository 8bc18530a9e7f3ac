using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Findings;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Engine.Tests.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Tests.Findings;

/// <summary>
/// A finding's life through <see cref="FindingsEvaluator"/> over in-memory ports: opened, updated when its evidence
/// changes, resolved when the evidence no longer supports it; its Opened and Resolved events are in the instance's
/// outbox before the finding is written; an unchanged tenant is not read.
/// </summary>
public sealed class FindingsEvaluatorTests
{
    private const string Tenant = "t";
    private const string Tool = "http://mcp.internal:8080/mcp#tool:idle";
    private static readonly TimeSpan UnusedAfter = TimeSpan.FromDays(30);

    private readonly InMemoryInventoryStore _inventory = new();
    private readonly InMemoryInstanceStore _instances = new();
    private readonly InMemoryFindingStore _findings = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly FindingsEvaluator _evaluator;

    public FindingsEvaluatorTests()
    {
        var options = Options.Create(new DiscoveryOptions { UnusedAfter = UnusedAfter });
        _evaluator = new FindingsEvaluator(_inventory, _instances, _findings, new InventoryWriter(_inventory, _time, options), _time, options, NullLogger<FindingsEvaluator>.Instance);
        _instances.Put(new PluginInstance { Tenant = Tenant, Id = "mcp1", PluginType = "mcp", Traced = true });
        _instances.Put(new PluginInstance { Tenant = Tenant, Id = "otlp", PluginType = "opentelemetry" });
    }

    [Fact]
    public async Task EvaluateAsync_IdleDeclaredTool_OpensThenUpdatesThenResolves_EventsInTheOutboxBeforeTheFinding()
    {
        DateTimeOffset start = _time.GetUtcNow();
        _inventory.Seed(Declared("mcp1", AssetTypes.McpTool, Tool, firstSeen: start.AddDays(-40)));
        var eventsAtUpsert = new List<string[]>();
        _findings.BeforeUpsert = _ => eventsAtUpsert.Add([.. Events("mcp1").Select(e => e.Type)]);

        // Opened: idle for longer than UnusedAfter since its first sighting.
        FindingChanges opened = await _evaluator.EvaluateAsync(Tenant);

        Assert.Equal((EvaluationCause.First, 1, 0, 0), (opened.Cause, opened.Opened, opened.Updated, opened.Resolved));
        Assert.Equal(1, opened.RowsRead); // one asset, no usage, no findings yet
        TrackedFinding open = Assert.Single(await _findings.ListAsync(Tenant));
        Assert.Equal((FindingKinds.Unused, "mcp1", Tool, FindingKinds.Open), (open.Finding.Kind, open.Finding.Instance, open.Finding.SubjectId, open.State));
        Assert.Equal((start, start, (DateTimeOffset?)null), (open.OpenedAt!.Value, open.UpdatedAt!.Value, open.ResolvedAt));
        Assert.Equal([[ChangeEventTypes.FindingOpened]], eventsAtUpsert);
        ChangeEvent openedEvent = Assert.Single(Events("mcp1"));
        Assert.Equal($"findings/unused/{AssetTypes.McpTool}/{Tool}", openedEvent.Subject);
        AssertSameJson(FindingDocument.ToJson(open), openedEvent.Data["finding"]);

        // Nothing changed: the next tick reads nothing.
        FindingChanges quiet = await _evaluator.EvaluateAsync(Tenant);
        Assert.Equal((EvaluationCause.None, 0), (quiet.Cause, quiet.RowsRead));

        // Updated: traces counted an old use (still idle); the evidence changes, no event.
        _inventory.Seed(Usage("mcp1", AssetTypes.McpTool, Tool, lastInvoked: start.AddDays(-35)));
        _time.Advance(FindingsSchedule.FullRefresh);
        FindingChanges updated = await _evaluator.EvaluateAsync(Tenant);

        Assert.Equal((EvaluationCause.Refresh, 0, 1, 0), (updated.Cause, updated.Opened, updated.Updated, updated.Resolved));
        Assert.Equal(3, updated.RowsRead); // the asset, its usage, the finding
        TrackedFinding changed = Assert.Single(await _findings.ListAsync(Tenant, state: FindingKinds.Open));
        Assert.Equal((start, _time.GetUtcNow()), (changed.OpenedAt!.Value, changed.UpdatedAt!.Value));
        Assert.Equal(1, (long)changed.Finding.Evidence["invocations"]!);
        Assert.Equal(start.AddDays(-35), changed.Finding.Evidence["idle_since"]!.GetValue<DateTimeOffset>());
        Assert.Single(Events("mcp1"));

        // Resolved: a recent use; the Resolved event is in the outbox before the finding is written.
        _inventory.Seed(Usage("mcp1", AssetTypes.McpTool, Tool, lastInvoked: _time.GetUtcNow().AddMinutes(-1)));
        _time.Advance(FindingsSchedule.FullRefresh);
        FindingChanges resolved = await _evaluator.EvaluateAsync(Tenant);

        Assert.Equal((0, 0, 1), (resolved.Opened, resolved.Updated, resolved.Resolved));
        Assert.Empty(await _findings.ListAsync(Tenant, state: FindingKinds.Open));
        TrackedFinding closed = Assert.Single(await _findings.ListAsync(Tenant, kind: FindingKinds.Unused, state: FindingKinds.Resolved));
        Assert.Equal((start, _time.GetUtcNow(), _time.GetUtcNow()), (closed.OpenedAt!.Value, closed.UpdatedAt!.Value, closed.ResolvedAt!.Value));
        Assert.Equal(changed.Finding.Evidence.ToJsonString(), closed.Finding.Evidence.ToJsonString());
        Assert.Equal([[ChangeEventTypes.FindingOpened], [ChangeEventTypes.FindingOpened], [ChangeEventTypes.FindingOpened, ChangeEventTypes.FindingResolved]], eventsAtUpsert);
        ChangeEvent resolvedEvent = Events("mcp1")[^1];
        AssertSameJson(FindingDocument.ToJson(closed), resolvedEvent.Data["finding"]);
        Assert.NotEqual(openedEvent.Id, resolvedEvent.Id);
    }

    [Fact]
    public async Task EvaluateAsync_ShadowModel_OpensOnTheTraceInstance_AndReopensAfterItResolved()
    {
        Asset model = Trace(AssetTypes.Model, "openai/gpt-4o", new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o", ["server_address"] = "api.openai.com" });
        _inventory.Seed(model);

        Assert.Equal(1, (await _evaluator.EvaluateAsync(Tenant)).Opened);
        TrackedFinding shadow = Assert.Single(await _findings.ListAsync(Tenant, kind: FindingKinds.Shadow));
        Assert.Equal(("otlp", FindingRules.ReasonNotScanned), (shadow.Finding.Instance, shadow.Finding.Reason));
        Assert.Equal([ChangeEventTypes.FindingOpened], Events("otlp").Select(e => e.Type));

        // Deleted: no longer evidence, so resolved; seen again: a new finding opens under the same key.
        _inventory.Seed(model with { State = AssetStates.Deleted });
        _time.Advance(FindingsSchedule.FullRefresh);
        Assert.Equal(1, (await _evaluator.EvaluateAsync(Tenant)).Resolved);
        _inventory.Seed(model);
        _time.Advance(FindingsSchedule.FullRefresh);
        Assert.Equal(1, (await _evaluator.EvaluateAsync(Tenant)).Opened);

        TrackedFinding reopened = Assert.Single(await _findings.ListAsync(Tenant));
        Assert.Equal((FindingKinds.Open, _time.GetUtcNow(), (DateTimeOffset?)null), (reopened.State, reopened.OpenedAt!.Value, reopened.ResolvedAt));
        Assert.Equal([ChangeEventTypes.FindingOpened, ChangeEventTypes.FindingResolved, ChangeEventTypes.FindingOpened], Events("otlp").Select(e => e.Type));
        Assert.Equal(3, Events("otlp").Select(e => e.Id).Distinct().Count());
    }

    /// <summary>Equal as JSON (the outbox may escape characters differently).</summary>
    private static void AssertSameJson(JsonNode expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.ToJsonString()), JsonNode.Parse(actual?.ToJsonString() ?? "null")), $"{expected.ToJsonString()}\n{actual?.ToJsonString()}");

    private List<ChangeEvent> Events(string instance) => [.. _inventory.Outbox(Tenant, instance).SelectMany(OutboxRelay.Read)];

    private static Asset Declared(string instance, string type, string id, DateTimeOffset firstSeen) =>
        InventoryWriter.Create(new ScanIdentity(Tenant, instance, "run", false), new DiscoveredAsset(type, id, id, "mcp:server"), "hash", 1, firstSeen, firstSeen);

    private Asset Trace(string type, string id, JsonObject attributes) =>
        InventoryWriter.Create(new ScanIdentity(Tenant, "otlp", "run", false), new DiscoveredAsset(type, id, id, Provenance.TraceScope) { Attributes = attributes }, "hash", 1, _time.GetUtcNow(), _time.GetUtcNow());

    private static AssetUsage Usage(string instance, string type, string id, DateTimeOffset lastInvoked) => new()
    {
        Tenant = Tenant,
        Instance = instance,
        Type = type,
        Id = id,
        Totals = new UsageTotals(1, 0, 0, lastInvoked, lastInvoked, []),
    };
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Tests.Inventory;

/// <summary>
/// The scan writer's rules (DESIGN section 4) through an in-memory <see cref="IInventoryStore"/>: diffing by content
/// hash, tombstones and stale assets from scope evidence, the deletion guard, restore, and events that carry the asset
/// joined with its usage.
/// </summary>
public sealed class InventoryWriterTests
{
    private const string Tenant = "t";
    private const string Instance = "i";
    private const string Scope = "scope";
    private static readonly Dictionary<string, string?> Observed = new() { [Scope] = null };

    private readonly InMemoryInventoryStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly InventoryWriter _writer;
    private int _runs;

    public InventoryWriterTests() => _writer = new InventoryWriter(_store, _time, Options.Create(new DiscoveryOptions()));

    [Fact]
    public async Task ApplyAsync_FirstScan_CreatesEachAssetWithItsCreatedEventInOneBatch()
    {
        InventoryChanges changes = await ScanAsync([Model("a"), Model("b")]);

        Assert.Equal(2, changes.Created);
        Assert.Equal(3, changes.EntityWrites); // two assets and the outbox entry holding their events
        Assert.Equal(1, changes.Transactions);
        Asset a = _store.Assets(Tenant, Instance)[new AssetKey(AssetTypes.Model, "a")];
        Assert.Equal((AssetStates.Active, 1L, _time.GetUtcNow()), (a.State, a.Version, a.FirstSeen!.Value));
        Assert.Equal([ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated], Events().Select(e => e.Type));
        Assert.Equal("assets/model/a", Events()[0].Subject);
    }

    [Fact]
    public async Task ApplyAsync_MoreChangesThanOneBatch_SplitsIntoBatchesEachWithItsEvents()
    {
        InventoryChanges changes = await ScanAsync([.. Enumerable.Range(0, 250).Select(i => Model($"m{i:D3}"))]);

        Assert.Equal(3, changes.Transactions);
        Assert.Equal(250 + 3, changes.EntityWrites);
        Assert.Equal([99, 99, 52], _store.Batches.Select(b => b.Count));
        Assert.Equal(250, _store.Outbox(Tenant, Instance).Sum(o => o.Count));
    }

    [Fact]
    public async Task ApplyAsync_UnchangedRescan_WritesNothing()
    {
        await ScanAsync([Model("a"), Model("b")]);
        _store.ResetCounts();
        _time.Advance(TimeSpan.FromMinutes(5));

        InventoryChanges again = await ScanAsync([Model("b"), Model("a")]);

        Assert.Equal(2, again.Unchanged);
        Assert.Equal((0, 0, 0), (again.EntityWrites, again.Transactions, again.Events));
        Assert.Empty(_store.Batches);
    }

    [Fact]
    public async Task ApplyAsync_UnchangedAfterLastSeenRefresh_TouchesLastSeenOnlyWithoutEvent()
    {
        await ScanAsync([Model("a")]);
        _time.Advance(TimeSpan.FromHours(2));
        _store.ResetCounts();

        InventoryChanges again = await ScanAsync([Model("a")]);

        Assert.Equal(1, again.Unchanged);
        Assert.IsType<TouchAsset>(Assert.Single(Assert.Single(_store.Batches)));
        Asset a = _store.Assets(Tenant, Instance)[new AssetKey(AssetTypes.Model, "a")];
        Assert.Equal((1L, _time.GetUtcNow()), (a.Version, a.LastSeen!.Value));
        Assert.Single(Events());
    }

    [Fact]
    public async Task ApplyAsync_ChangedAttribute_BumpsVersionAndNamesTheChangedField()
    {
        await ScanAsync([Model("a", framework: "pytorch")]);

        InventoryChanges changes = await ScanAsync([Model("a", framework: "onnx")]);

        Assert.Equal(1, changes.Updated);
        Asset a = _store.Assets(Tenant, Instance)[new AssetKey(AssetTypes.Model, "a")];
        Assert.Equal((2L, "onnx"), (a.Version, (string?)a.Attributes["framework"]));
        ChangeEvent updated = Events()[^1];
        Assert.Equal(ChangeEventTypes.AssetUpdated, updated.Type);
        Assert.Equal(["attributes.framework"], updated.Data["changes"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task ApplyAsync_AssetMissingFromFullyObservedScope_BecomesTombstoneWithReason()
    {
        await ScanAsync([Model("a"), Model("b"), Model("c")]);

        InventoryChanges changes = await ScanAsync([Model("a"), Model("b")]);

        Assert.Equal(1, changes.Deleted);
        Asset c = _store.Assets(Tenant, Instance)[new AssetKey(AssetTypes.Model, "c")];
        Assert.Equal((AssetStates.Deleted, 2L), (c.State, c.Version));
        Assert.Contains("Not found in fully observed scope 'scope'", c.Reason, StringComparison.Ordinal);
        ChangeEvent deleted = Events()[^1];
        Assert.Equal((ChangeEventTypes.AssetDeleted, "assets/model/c"), (deleted.Type, deleted.Subject));
        Assert.Equal(c.Reason, (string?)deleted.Data["reason"]);
    }

    [Fact]
    public async Task ApplyAsync_ScopeThatFailed_MarksItsAssetsStaleAndDeletesNothing()
    {
        await ScanAsync([Model("a"), Model("b")]);

        InventoryChanges changes = await ScanAsync([], new Dictionary<string, string?> { [Scope] = "403 Forbidden" });

        Assert.Equal((0, 2), (changes.Deleted, changes.Stale));
        Assert.All(_store.Assets(Tenant, Instance).Values, a => Assert.Equal(AssetStates.Stale, a.State));
        Assert.Contains("403 Forbidden", _store.Assets(Tenant, Instance).Values.First().Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_ScopeNotReported_LeavesItsAssetsAlone()
    {
        await ScanAsync([Model("a")]);
        _store.ResetCounts();

        InventoryChanges changes = await ScanAsync([], new Dictionary<string, string?> { ["other"] = null });

        Assert.Equal((0, 0), (changes.Deleted, changes.Stale));
        Assert.Empty(_store.Batches);
        Assert.Equal(AssetStates.Active, _store.Assets(Tenant, Instance).Values.Single().State);
    }

    [Fact]
    public async Task ApplyAsync_DeletingMoreThanTheGuardAllows_IsRefusedAndWritesNothing()
    {
        await ScanAsync([Model("a"), Model("b"), Model("c"), Model("d")]);
        _store.ResetCounts();

        InventoryChanges refused = await ScanAsync([Model("a")]);

        Assert.NotNull(refused.Refusal);
        Assert.Contains("3 of 4", refused.Refusal, StringComparison.Ordinal);
        Assert.Empty(_store.Batches);
        Assert.All(_store.Assets(Tenant, Instance).Values, a => Assert.Equal(AssetStates.Active, a.State));
    }

    [Fact]
    public async Task ApplyAsync_DeletingMoreThanTheGuardAllowsWithForce_Deletes()
    {
        await ScanAsync([Model("a"), Model("b"), Model("c"), Model("d")]);

        InventoryChanges forced = await ScanAsync([Model("a")], force: true);

        Assert.Null(forced.Refusal);
        Assert.Equal(3, forced.Deleted);
    }

    [Fact]
    public async Task ApplyAsync_DeletedAssetReportedAgain_IsRestoredWithItsHistory()
    {
        await ScanAsync([Model("a"), Model("b")]);
        DateTimeOffset firstSeen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromDays(1));
        await ScanAsync([Model("a")]);
        _time.Advance(TimeSpan.FromDays(1));

        InventoryChanges changes = await ScanAsync([Model("a"), Model("b")]);

        Assert.Equal(1, changes.Restored);
        Asset b = _store.Assets(Tenant, Instance)[new AssetKey(AssetTypes.Model, "b")];
        Assert.Equal((AssetStates.Active, 3L, firstSeen, null), (b.State, b.Version, b.FirstSeen!.Value, b.Reason));
        ChangeEvent restored = Events()[^1];
        Assert.Equal(ChangeEventTypes.AssetRestored, restored.Type);
        Assert.Equal(["state"], restored.Data["changes"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task ApplyAsync_DeclaredAssetTracesUse_EventsPublishItAsBothWithItsObservedUse()
    {
        await ScanAsync([Model("a", framework: "pytorch"), Model("b")]);
        _store.Seed(new AssetUsage
        {
            Tenant = Tenant,
            Instance = Instance,
            Type = AssetTypes.Model,
            Id = "a",
            Totals = new UsageTotals(7, 70, 7, _time.GetUtcNow(), _time.GetUtcNow(), ["service:checkout"]),
            Via = ["model/openai/a"],
            Rule = "test-rule",
        });

        await ScanAsync([Model("a", framework: "onnx"), Model("b", framework: "onnx")]);

        JsonObject used = Events().Single(e => e.Type == ChangeEventTypes.AssetUpdated && e.Subject == "assets/model/a").Data["asset"]!.AsObject();
        Assert.Equal(Provenance.Both, (string?)used["provenance"]);
        Assert.Equal(7, (long?)used["observed"]!["invocations"]);
        Assert.Equal(["checkout"], used["observed"]!["services"]!.AsArray().Select(s => (string?)s));
        JsonObject unused = Events().Single(e => e.Type == ChangeEventTypes.AssetUpdated && e.Subject == "assets/model/b").Data["asset"]!.AsObject();
        Assert.Equal(Provenance.Declared, (string?)unused["provenance"]);
        Assert.Null(unused["observed"]);
    }

    [Fact]
    public async Task ApplyAsync_EdgeMissingFromFullyObservedScope_IsRetiredAndAnUnchangedOneNotRewritten()
    {
        DiscoveredEdge serves = new(AssetTypes.Deployment, "d", "serves", AssetTypes.Model, "a", Scope);
        DiscoveredEdge uses = new(AssetTypes.Deployment, "d", "uses", AssetTypes.Model, "b", Scope);
        await ScanAsync([Model("a"), Model("b")], edges: [serves, uses]);
        _store.ResetCounts();

        await ScanAsync([Model("a"), Model("b")], edges: [serves]);

        Assert.IsType<RetireEdge>(Assert.Single(Assert.Single(_store.Batches)));
        IReadOnlyDictionary<EdgeKey, Edge> edges = _store.Edges(Tenant, Instance);
        Assert.Equal(AssetStates.Deleted, edges[new EdgeKey(AssetTypes.Deployment, "d", "uses", AssetTypes.Model, "b")].State);
        Assert.Equal(AssetStates.Active, edges[new EdgeKey(AssetTypes.Deployment, "d", "serves", AssetTypes.Model, "a")].State);
    }

    private Task<InventoryChanges> ScanAsync(
        IReadOnlyCollection<DiscoveredAsset> assets, IReadOnlyDictionary<string, string?>? scopes = null, bool force = false, IReadOnlyCollection<DiscoveredEdge>? edges = null) =>
        _writer.ApplyAsync(new ScanIdentity(Tenant, Instance, $"run{++_runs}", force), assets, edges ?? [], scopes ?? Observed, CancellationToken.None);

    private List<ChangeEvent> Events() => [.. _store.Outbox(Tenant, Instance).SelectMany(OutboxRelay.Read)];

    private static DiscoveredAsset Model(string id, string framework = "pytorch") =>
        new(AssetTypes.Model, id, id, Scope) { Attributes = new JsonObject { ["framework"] = framework } };
}

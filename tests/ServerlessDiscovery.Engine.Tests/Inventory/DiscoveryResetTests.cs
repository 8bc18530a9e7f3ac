using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Tests.Inventory;

/// <summary>OpenCITE's reset-discoveries (<see cref="DiscoveryReset"/>) through an in-memory <see cref="IInventoryStore"/>.</summary>
public sealed class DiscoveryResetTests
{
    private readonly InMemoryInventoryStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ResetAsync_TenantWithAssetsUsageAndEdges_DeletesEachWithItsEventClearsUsageRetiresEdges()
    {
        var writer = new InventoryWriter(_store, _time, Options.Create(new DiscoveryOptions()));
        var scopes = new Dictionary<string, string?> { ["s"] = null };
        DiscoveredAsset model = new(AssetTypes.Model, "m", "m", "s") { Attributes = new JsonObject() };
        DiscoveredAsset deployment = new(AssetTypes.Deployment, "d", "d", "s") { Attributes = new JsonObject() };
        await writer.ApplyAsync(new ScanIdentity("t", "one", "run1", false), [model, deployment], [new(AssetTypes.Deployment, "d", "serves", AssetTypes.Model, "m", "s")], scopes, CancellationToken.None);
        await writer.ApplyAsync(new ScanIdentity("t", "two", "run2", false), [model], [], scopes, CancellationToken.None);
        await writer.ApplyAsync(new ScanIdentity("other", "one", "run3", false), [model], [], scopes, CancellationToken.None);
        _store.Seed(new AssetUsage { Tenant = "t", Instance = "one", Type = AssetTypes.Model, Id = "m", Totals = new UsageTotals(1, 0, 0, null, null, []) });

        ResetOutcome outcome = await new DiscoveryReset(_store, _time).ResetAsync("t", "key:test");

        Assert.Equal((3, 1, 1), (outcome.AssetsDeleted, outcome.RelationshipsDeleted, outcome.UsageRowsCleared));
        Assert.All(_store.Assets("t", "one").Values.Concat(_store.Assets("t", "two").Values), a => Assert.Equal(AssetStates.Deleted, a.State));
        Assert.Empty(_store.Usage("t", "one"));
        Assert.Equal(AssetStates.Deleted, _store.Edges("t", "one").Values.Single().State);
        Assert.Equal(AssetStates.Active, _store.Assets("other", "one").Values.Single().State);
        List<ChangeEvent> deletions = [.. _store.Outbox("t", "one").Concat(_store.Outbox("t", "two")).SelectMany(OutboxRelay.Read).Where(e => e.Type == ChangeEventTypes.AssetDeleted)];
        Assert.Equal(3, deletions.Count);
        Assert.Equal(3, deletions.Select(e => e.Id).Distinct().Count());
        Assert.All(deletions, e => Assert.Contains("key:test", (string?)e.Data["reason"], StringComparison.Ordinal));
    }
}

using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Tests.Inventory;

/// <summary>
/// Attribution of trace usage to declared assets (<see cref="UsageRows"/>) through an in-memory <see cref="IInventoryStore"/>:
/// identities resolved to one asset add up, a re-applied drain counts once, and a concurrent writer's counts are kept.
/// </summary>
public sealed class UsageRowsTests
{
    private const string Tenant = "t";
    private static readonly DeclaredRef Target = new("declaring", AssetTypes.Deployment, "acct/gpt-4o", "azure-openai");

    private readonly InMemoryInventoryStore _store = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AddAsync_TwoIdentitiesResolvedToOneAsset_AddUpInOneWrite()
    {
        var usage = new UsageRows(_store, _time);
        DateTimeOffset early = _time.GetUtcNow().AddMinutes(-10), late = _time.GetUtcNow().AddMinutes(-1);

        int writes = await usage.AddAsync(Tenant, [
            new(Target, "model/azure.openai/gpt-4o", new ObservedUsage(2, 20, 2, early, early, ["service:a"])),
            new(Target, "model/openai/gpt-4o", new ObservedUsage(3, 30, 3, late, late, ["agent:b"])),
        ]);

        Assert.Equal(1, writes);
        AssetUsage stored = _store.Usage(Tenant, "declaring").Values.Single();
        Assert.Equal((5L, 50L, 5L, early, late), (stored.Totals.Invocations, stored.Totals.InputTokens, stored.Totals.OutputTokens, stored.Totals.FirstInvoked!.Value, stored.Totals.LastInvoked!.Value));
        Assert.Equal(["agent:b", "service:a"], stored.Totals.Callers);
        Assert.Equal(["model/azure.openai/gpt-4o", "model/openai/gpt-4o"], stored.Via);
        Assert.Equal("azure-openai", stored.Rule);
    }

    [Fact]
    public async Task AddAsync_SameDrainTwice_CountsOnce_AnotherDrainAddsUp()
    {
        var usage = new UsageRows(_store, _time);
        ResolvedUsage[] resolved = [new(Target, "model/openai/gpt-4o", new ObservedUsage(3, 30, 5, null, null, []))];

        await usage.AddAsync(Tenant, resolved, drainId: "d1");
        int again = await usage.AddAsync(Tenant, resolved, drainId: "d1");
        await usage.AddAsync(Tenant, resolved, drainId: "d2");

        AssetUsage stored = _store.Usage(Tenant, "declaring").Values.Single();
        Assert.Equal(0, again);
        Assert.Equal((6L, 60L), (stored.Totals.Invocations, stored.Totals.InputTokens));
        Assert.Equal("d1 d2", stored.Drains);
        // Named but never invoked: the window starts when it was first seen.
        Assert.Equal(_time.GetUtcNow(), stored.Totals.FirstInvoked);
    }

    [Fact]
    public async Task AddAsync_AnotherHostCountsFirst_RereadsAndAddsOnTopOfIt()
    {
        var usage = new UsageRows(_store, _time);
        await usage.AddAsync(Tenant, [new(Target, "model/openai/gpt-4o", new ObservedUsage(1, 0, 0, null, null, []))]);
        bool raced = false;
        _store.BeforeBatch = (_, instance) =>
        {
            if (!raced)
            {
                // Another host's flush lands between this host's read and its conditional write.
                raced = true;
                AssetUsage current = _store.Usage(Tenant, instance).Values.Single();
                _store.Seed(current with { Totals = current.Totals with { Invocations = current.Totals.Invocations + 10 } });
            }
        };

        await usage.AddAsync(Tenant, [new(Target, "model/openai/gpt-4o", new ObservedUsage(2, 0, 0, null, null, []))]);

        Assert.True(raced);
        Assert.Equal(13, _store.Usage(Tenant, "declaring").Values.Single().Totals.Invocations);
    }
}

using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Storage.Inventory;

namespace ServerlessDiscovery.Storage.Tests.Inventory;

/// <summary><see cref="TableInventoryStore.QueryActiveEdgeKeysAsync"/> against the real Azurite: the active edges' identities of a tenant or one instance, as the whole edges read them.</summary>
public sealed class TableInventoryStoreEdgeKeysTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TableInventoryStore _store = new(fixture.Store);

    private static Edge Edge(string tenant, string instance, string source, string target) => new()
    {
        Tenant = tenant,
        Instance = instance,
        SourceType = "agent",
        SourceId = source,
        Relationship = "uses",
        TargetType = "model",
        TargetId = target,
        Scope = "s1",
        State = AssetStates.Active,
        FirstSeen = Now,
    };

    [Fact]
    public async Task QueryActiveEdgeKeys_TenantOrInstance_TheActiveEdgesIdentitiesOnly()
    {
        string tenant = "t" + Guid.NewGuid().ToString("N")[..12];
        Edge kept = Edge(tenant, "a", "planner/1", "gpt-4o");
        Edge retired = Edge(tenant, "a", "planner/1", "gpt-4o-mini");
        Edge elsewhere = Edge(tenant, "b", "writer", "o3");
        await _store.CommitEdgesAsync(tenant, "a", [new PutEdge(kept), new PutEdge(retired)]);
        await _store.CommitEdgesAsync(tenant, "b", [new PutEdge(elsewhere)]);
        await _store.CommitEdgesAsync(tenant, "a", [new RetireEdge(retired.Key, Now.AddMinutes(1))]);
        await _store.CommitEdgesAsync("other" + tenant, "a", [new PutEdge(Edge("other" + tenant, "a", "planner/1", "gpt-4o"))]);

        List<EdgeKey> all = await ToListAsync(_store.QueryActiveEdgeKeysAsync(new EdgeListing(tenant)));
        List<EdgeKey> one = await ToListAsync(_store.QueryActiveEdgeKeysAsync(new EdgeListing(tenant, "b")));

        Assert.Equal([kept.Key, elsewhere.Key], all.OrderBy(k => k.SourceId, StringComparer.Ordinal));
        Assert.Equal([elsewhere.Key], one);
        List<Edge> whole = await ToListAsync(_store.QueryEdgesAsync(new EdgeListing(tenant)));
        Assert.Equal(3, whole.Count);
        Assert.Equal(whole.Where(e => e.State == AssetStates.Active).Select(e => e.Key).ToHashSet(), all.ToHashSet());
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (T item in items)
        {
            list.Add(item);
        }

        return list;
    }
}

using ServerlessDiscovery.Domain.Bom;
using ServerlessDiscovery.Storage.Bom;

namespace ServerlessDiscovery.Storage.Tests.Bom;

/// <summary><see cref="TableBomVersionStore"/> against the real Azurite: a version per content, and exports that race agree on it.</summary>
public sealed class TableBomVersionStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TableBomVersionStore _store = new(fixture.Store);

    private static string Tenant() => "t/" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Record_SameHashAgain_KeepsVersionAndSince()
    {
        string tenant = Tenant();

        BomRevision first = await _store.RecordAsync(tenant, "agent:a/b#c", "hash-1", Now);
        BomRevision again = await _store.RecordAsync(tenant, "agent:a/b#c", "hash-1", Now.AddHours(1));

        Assert.Equal(new BomRevision(1, Now), first);
        Assert.Equal(first, again);
    }

    [Fact]
    public async Task Record_NewHash_TakesTheNextVersionPerScope()
    {
        string tenant = Tenant();
        await _store.RecordAsync(tenant, "tenant", "hash-1", Now);

        BomRevision second = await _store.RecordAsync(tenant, "tenant", "hash-2", Now.AddHours(1));
        BomRevision otherScope = await _store.RecordAsync(tenant, "instance:x", "hash-2", Now.AddHours(1));

        Assert.Equal(new BomRevision(2, Now.AddHours(1)), second);
        Assert.Equal(1, otherScope.Version);
    }

    [Fact]
    public async Task Record_ConcurrentExportsOfOneNewContent_AgreeOnOneVersion()
    {
        string tenant = Tenant();
        await _store.RecordAsync(tenant, "tenant", "hash-1", Now);

        BomRevision[] revisions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _store.RecordAsync(tenant, "tenant", "hash-2", Now.AddMinutes(1))));

        Assert.All(revisions, r => Assert.Equal(2, r.Version));
    }
}

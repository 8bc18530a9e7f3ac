using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Storage.Mappings;

namespace ServerlessDiscovery.Storage.Tests.Mappings;

/// <summary><see cref="TableToolMappingStore"/> against the real Azurite: order, replacement in place, the per-tenant bound, deletion.</summary>
public sealed class TableToolMappingStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private readonly TableToolMappingStore _store = new(fixture.Store);

    private static string Tenant() => "t-" + Guid.NewGuid().ToString("N")[..12];

    private static ToolMapping Mapping(string value, string sourceName, DateTimeOffset createdAt, string matchType = ToolMapping.MatchAll)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["service.name"] = value, ["deployment.environment"] = "prod" };
        return new ToolMapping(
            ToolMapping.IdFor("opentelemetry", attributes, matchType), "opentelemetry", attributes, matchType, sourceName, ToolMapping.SourceIdFor("opentelemetry", sourceName), createdAt);
    }

    [Fact]
    public async Task Load_SavedMappings_OldestFirstWithEveryField()
    {
        string tenant = Tenant();
        ToolMapping newer = Mapping("b", "Newer", Now.AddMinutes(1), ToolMapping.MatchAny);
        ToolMapping older = Mapping("a", "Older", Now);
        Assert.True(await _store.SaveAsync(tenant, newer));
        Assert.True(await _store.SaveAsync(tenant, older));

        ToolMappingSet set = await _store.LoadAsync(tenant);

        Assert.Equal([older.Id, newer.Id], set.All.Select(m => m.Id));
        ToolMapping read = set.All[1];
        Assert.Equal(newer.PluginName, read.PluginName);
        Assert.Equal(newer.Attributes.OrderBy(a => a.Key), read.Attributes.OrderBy(a => a.Key));
        Assert.Equal((ToolMapping.MatchAny, "Newer", newer.SourceId, newer.CreatedAt), (read.MatchType, read.SourceName, read.SourceId, read.CreatedAt));
        Assert.Empty((await _store.LoadAsync(Tenant())).All);
    }

    [Fact]
    public async Task Save_SameIdAgain_ReplacesTheIdentityAndKeepsItsPlace()
    {
        string tenant = Tenant();
        await _store.SaveAsync(tenant, Mapping("a", "First", Now));
        await _store.SaveAsync(tenant, Mapping("b", "Other", Now.AddMinutes(1)));

        Assert.True(await _store.SaveAsync(tenant, Mapping("a", "Renamed", Now.AddMinutes(2))));

        ToolMappingSet set = await _store.LoadAsync(tenant);
        Assert.Equal(["Renamed", "Other"], set.All.Select(m => m.SourceName));
        Assert.Equal(Now, set.All[0].CreatedAt);
    }

    [Fact]
    public async Task Save_TenantAtItsBound_RefusesANewMappingButReplacesAnExistingOne()
    {
        string tenant = Tenant();
        for (int i = 0; i < IToolMappingStore.MaxPerTenant; i++)
        {
            Assert.True(await _store.SaveAsync(tenant, Mapping($"v{i}", "S", Now.AddSeconds(i))));
        }

        Assert.False(await _store.SaveAsync(tenant, Mapping("one-too-many", "S", Now.AddDays(1))));
        Assert.True(await _store.SaveAsync(tenant, Mapping("v0", "Replaced", Now.AddDays(1))));
        Assert.True(await _store.SaveAsync(Tenant(), Mapping("one-too-many", "S", Now)));

        ToolMappingSet set = await _store.LoadAsync(tenant);
        Assert.Equal(IToolMappingStore.MaxPerTenant, set.All.Count);
        Assert.Equal("Replaced", set.All[0].SourceName);
    }

    [Fact]
    public async Task Delete_ExistingThenMissing_TrueThenFalse()
    {
        string tenant = Tenant();
        ToolMapping mapping = Mapping("a", "S", Now);
        await _store.SaveAsync(tenant, mapping);

        Assert.False(await _store.DeleteAsync(Tenant(), mapping.Id));
        Assert.True(await _store.DeleteAsync(tenant, mapping.Id));
        Assert.False(await _store.DeleteAsync(tenant, mapping.Id));
        Assert.Empty((await _store.LoadAsync(tenant)).All);
    }
}

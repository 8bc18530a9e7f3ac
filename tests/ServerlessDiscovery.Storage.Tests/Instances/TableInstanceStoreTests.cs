using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Storage.Instances;

namespace ServerlessDiscovery.Storage.Tests.Instances;

/// <summary><see cref="TableInstanceStore"/> against the real Azurite: the mapping, sealed secrets and ETag-conditional replaces.</summary>
public sealed class TableInstanceStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private const string SecretValue = "sk-very-secret-value";

    private readonly TableInstanceStore _store = new(fixture.Store, new ReversingSecrets());

    private static PluginInstance NewInstance(string tenant) => new()
    {
        Tenant = tenant,
        Id = "inst-1",
        PluginType = "fake",
        DisplayName = "Fake one",
        Schedule = "0 */5 * * * *",
        Enabled = false,
        Traced = true,
        Owner = InstanceOwner.Configuration,
        ConfiguredBy = InstanceConfiguredBy.Operator,
        Config = new JsonObject { ["endpoint"] = "https://example.test", ["apiKey"] = SecretValue, ["limit"] = 5 },
        CreatedAt = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero),
        UpdatedAt = new DateTimeOffset(2026, 11, 30, 10, 5, 0, TimeSpan.Zero),
        LeaseOwner = "host-a",
        LeaseUntil = new DateTimeOffset(2026, 11, 30, 10, 15, 0, TimeSpan.Zero),
        LastScheduledAt = new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero),
        LastRunId = "20261130T100000000Z-abcdef01",
        LastRunStatus = "running",
        LastRunAt = new DateTimeOffset(2026, 11, 30, 10, 0, 1, TimeSpan.Zero),
    };

    private static string Tenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    private async Task<TableEntity> RawRowAsync(string tenant, string id)
    {
        TableClient table = await fixture.Store.GetTableAsync(TableNames.Instances);
        return (await table.GetEntityAsync<TableEntity>(tenant, id)).Value;
    }

    [Fact]
    public async Task AddThenGet_EveryField_RoundTrips()
    {
        PluginInstance instance = NewInstance(Tenant());

        Assert.True(await _store.AddAsync(instance));
        PluginInstance read = (await _store.GetAsync(instance.Tenant, instance.Id))!;

        Assert.NotNull(read.ETag);
        Assert.Equal(instance with { ETag = read.ETag, Config = read.Config }, read);
        Assert.True(JsonNode.DeepEquals(instance.Config, read.Config));
        Assert.False(read.SecretsUnreadable);
    }

    [Fact]
    public async Task Add_SecretField_IsSealedAtRestAndNotInThePlainConfig()
    {
        PluginInstance instance = NewInstance(Tenant());

        await _store.AddAsync(instance);
        TableEntity row = await RawRowAsync(instance.Tenant, instance.Id);

        Assert.DoesNotContain(row, p => p.Value is string s && s.Contains(SecretValue, StringComparison.Ordinal));
        Assert.Null(JsonNode.Parse(row.GetString("Config")!)!["apiKey"]);
        Assert.Equal("https://example.test", JsonNode.Parse(row.GetString("Config")!)!["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_SecretsSealedForAnotherInstance_ReadsAsUnreadableWithoutThem()
    {
        string tenant = Tenant();
        PluginInstance instance = NewInstance(tenant);
        await _store.AddAsync(instance);
        TableEntity row = await RawRowAsync(tenant, instance.Id);
        // A sealed value copied from another instance's row: bound to that instance, it must not open here.
        row["Secrets"] = new ReversingSecrets().Seal("{\"apiKey\":\"x\"}", tenant, "another");
        TableClient table = await fixture.Store.GetTableAsync(TableNames.Instances);
        await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        PluginInstance read = (await _store.GetAsync(tenant, instance.Id))!;

        Assert.True(read.SecretsUnreadable);
        Assert.Null(read.Config["apiKey"]);
        Assert.Equal("https://example.test", read.Config["endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task Add_IdTaken_ReturnsFalse()
    {
        PluginInstance instance = NewInstance(Tenant());

        Assert.True(await _store.AddAsync(instance));
        Assert.False(await _store.AddAsync(instance with { DisplayName = "second" }));
        Assert.Equal("Fake one", (await _store.GetAsync(instance.Tenant, instance.Id))!.DisplayName);
    }

    [Fact]
    public async Task Replace_CurrentETag_WritesAndReturnsTheNewETag()
    {
        PluginInstance instance = NewInstance(Tenant());
        await _store.AddAsync(instance);
        PluginInstance read = (await _store.GetAsync(instance.Tenant, instance.Id))!;

        PluginInstance replaced = await _store.ReplaceAsync(read with { LeaseOwner = null, LeaseUntil = null, LastRunStatus = "succeeded" });

        PluginInstance again = (await _store.GetAsync(instance.Tenant, instance.Id))!;
        Assert.NotEqual(read.ETag, replaced.ETag);
        Assert.Equal(replaced.ETag, again.ETag);
        Assert.Null(again.LeaseOwner);
        Assert.Null(again.LeaseUntil);
        Assert.Equal("succeeded", again.LastRunStatus);
    }

    [Fact]
    public async Task Replace_StaleETag_ThrowsWriteConflictAndKeepsTheWinner()
    {
        PluginInstance instance = NewInstance(Tenant());
        await _store.AddAsync(instance);
        PluginInstance read = (await _store.GetAsync(instance.Tenant, instance.Id))!;
        await _store.ReplaceAsync(read with { LeaseOwner = "host-b" });

        await Assert.ThrowsAsync<WriteConflictException>(() => _store.ReplaceAsync(read with { LeaseOwner = "host-c" }));

        Assert.Equal("host-b", (await _store.GetAsync(instance.Tenant, instance.Id))!.LeaseOwner);
    }

    [Fact]
    public async Task Replace_DeletedMeanwhile_ThrowsWriteConflictAndDoesNotRecreate()
    {
        PluginInstance instance = NewInstance(Tenant());
        await _store.AddAsync(instance);
        PluginInstance read = (await _store.GetAsync(instance.Tenant, instance.Id))!;
        Assert.True(await _store.DeleteAsync(instance.Tenant, instance.Id));

        await Assert.ThrowsAsync<WriteConflictException>(() => _store.ReplaceAsync(read));

        Assert.Null(await _store.GetAsync(instance.Tenant, instance.Id));
        Assert.False(await _store.DeleteAsync(instance.Tenant, instance.Id));
    }

    [Fact]
    public async Task ListAndListAll_SeeTheTenantsInstances()
    {
        string a = Tenant();
        string b = Tenant();
        await _store.AddAsync(NewInstance(a));
        await _store.AddAsync(NewInstance(a) with { Id = "inst-2" });
        await _store.AddAsync(NewInstance(b));

        IReadOnlyList<PluginInstance> ofA = await _store.ListAsync(a);
        IReadOnlyList<PluginInstance> all = await _store.ListAllAsync();

        Assert.Equal(["inst-1", "inst-2"], ofA.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.All(ofA, i => Assert.Equal(a, i.Tenant));
        Assert.Contains(all, i => i.Tenant == b && i.Id == "inst-1");
        Assert.Equal(3, all.Count(i => i.Tenant == a || i.Tenant == b));
    }

    /// <summary>
    /// A test stand-in for the app's AES-GCM sealing (Engine's InstanceSecrets): "apiKey" is the secret field; a sealed
    /// value is the instance's context and the reversed text, base64, and opens only for the same instance.
    /// </summary>
    private sealed class ReversingSecrets : IInstanceSecrets
    {
        public bool IsSecret(string pluginType, string field) => field == "apiKey";

        public string Seal(string plaintext, string tenant, string id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{tenant}/{id}\n{new string([.. plaintext.Reverse()])}"));

        public string Unseal(string sealedText, string tenant, string id)
        {
            string[] parts = Encoding.UTF8.GetString(Convert.FromBase64String(sealedText)).Split('\n', 2);
            return parts[0] == $"{tenant}/{id}" ? new string([.. parts[1].Reverse()]) : throw new CryptographicException("Sealed for another instance.");
        }
    }
}

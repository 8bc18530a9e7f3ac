using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Storage.Webhooks;

namespace ServerlessDiscovery.Storage.Tests.Webhooks;

/// <summary><see cref="TableWebhookStore"/> against the real Azurite: mapping, sealing at rest, idempotent subscription.</summary>
public sealed class TableWebhookStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private const string SecretValue = "whsec-do-not-store-in-clear";
    private const string HeaderValue = "Bearer subscriber-token";
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);

    private readonly TableWebhookStore _store = new(fixture.Store, new ContextBoundSecrets());

    private static string Tenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static WebhookSubscription Subscription(string tenant, string url, DateTimeOffset createdAt) => new()
    {
        Tenant = tenant,
        InstanceId = "otel",
        Url = url,
        Headers = new Dictionary<string, string> { ["Authorization"] = HeaderValue },
        Events = ["ServerlessDiscovery.Asset.*"],
        Secret = SecretValue,
        OpenCiteSignature = true,
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    [Fact]
    public async Task UpsertThenGet_EveryField_RoundTripsAndNothingSecretIsInClearAtRest()
    {
        WebhookSubscription subscription = Subscription(Tenant(), "https://hooks.example.test/a", Now);

        await _store.UpsertAsync(subscription);
        WebhookSubscription read = (await _store.GetAsync(subscription.Tenant, "otel", subscription.Key))!;

        Assert.Equal(subscription.Url, read.Url);
        Assert.Equal(subscription.Headers, read.Headers);
        Assert.Equal(subscription.Events, read.Events);
        Assert.Equal(SecretValue, read.Secret);
        Assert.True(read.OpenCiteSignature);
        Assert.Equal(Now, read.CreatedAt);
        TableClient table = await fixture.Store.GetTableAsync(TableNames.Webhooks);
        TableEntity row = (await table.GetEntityAsync<TableEntity>(subscription.Tenant + "~otel", subscription.Key)).Value;
        Assert.DoesNotContain(row, p => p.Value is string s && (s.Contains(SecretValue, StringComparison.Ordinal) || s.Contains(HeaderValue, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Upsert_SameUrlAgain_ReplacesItAndKeepsTheCreationTime()
    {
        string tenant = Tenant();
        await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/a", Now));
        int generation = _store.Generation;

        WebhookSubscription again = await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/a", Now.AddHours(1)) with { Events = [] });

        IReadOnlyList<WebhookSubscription> all = await _store.ListAsync(tenant, "otel");
        Assert.Equal(Now, Assert.Single(all).CreatedAt);
        Assert.Equal(Now, again.CreatedAt);
        Assert.Empty(all[0].Events);
        Assert.NotEqual(generation, _store.Generation);
    }

    [Fact]
    public async Task ListUrls_SealedValuesThatNoLongerOpen_StillListsOldestFirst()
    {
        string tenant = Tenant();
        await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/late", Now.AddMinutes(5)));
        await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/early", Now));
        var otherKey = new TableWebhookStore(fixture.Store, new ContextBoundSecrets("another key"));

        IReadOnlyList<string> urls = await otherKey.ListUrlsAsync(tenant, "otel");

        Assert.Equal(["https://hooks.example.test/early", "https://hooks.example.test/late"], urls);
        await Assert.ThrowsAsync<CryptographicException>(() => otherKey.GetAsync(tenant, "otel", WebhookSubscription.UrlKey("https://hooks.example.test/early")));
    }

    [Fact]
    public async Task DeleteAndDeleteAll_RemoveSubscriptions()
    {
        string tenant = Tenant();
        WebhookSubscription a = await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/a", Now));
        await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/b", Now));
        await _store.UpsertAsync(Subscription(tenant, "https://hooks.example.test/c", Now));

        Assert.True(await _store.DeleteAsync(tenant, "otel", a.Key));
        Assert.False(await _store.DeleteAsync(tenant, "otel", a.Key));
        Assert.Equal(2, (await _store.ListAsync(tenant, "otel")).Count);
        await _store.DeleteAllAsync(tenant, "otel");

        Assert.Empty(await _store.ListUrlsAsync(tenant, "otel"));
    }

    /// <summary>A test stand-in for the app's AES-GCM sealing: a sealed value opens only with the same key and the same subscription.</summary>
    private sealed class ContextBoundSecrets(string key = "test key") : IWebhookSecrets
    {
        public string Seal(string plaintext, string tenant, string instanceId, string subscriptionKey) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{key}|{tenant}/{instanceId}/{subscriptionKey}\n{new string([.. plaintext.Reverse()])}"));

        public string Unseal(string sealedText, string tenant, string instanceId, string subscriptionKey)
        {
            string[] parts = Encoding.UTF8.GetString(Convert.FromBase64String(sealedText)).Split('\n', 2);
            return parts[0] == $"{key}|{tenant}/{instanceId}/{subscriptionKey}"
                ? new string([.. parts[1].Reverse()])
                : throw new CryptographicException("Sealed with another key or for another subscription.");
        }
    }
}

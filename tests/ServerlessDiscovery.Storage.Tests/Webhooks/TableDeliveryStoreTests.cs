using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.Webhooks;
using ServerlessDiscovery.Storage.Webhooks;

namespace ServerlessDiscovery.Storage.Tests.Webhooks;

/// <summary><see cref="TableDeliveryStore"/> against the real Azurite: bodies across chunks, ETag-guarded updates, pending listing.</summary>
public sealed class TableDeliveryStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 11, 0, 0, TimeSpan.Zero);

    private readonly TableDeliveryStore _store = new(fixture.Store);

    private static WebhookDelivery Delivery(string tenant, string id, byte[] body) => new()
    {
        Tenant = tenant,
        InstanceId = "otel",
        Id = id,
        SubscriptionKey = WebhookSubscription.UrlKey("https://hooks.example.test/a"),
        Kind = "otlp.traces",
        ContentType = "application/json",
        Body = body,
        NextAttemptAt = Now,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static string Tenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task AddThenGet_BodyLargerThanOneProperty_RoundTrips()
    {
        byte[] body = [.. Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7))];
        WebhookDelivery delivery = Delivery(Tenant(), "d1", body);

        Assert.True(await _store.AddAsync(delivery));
        Assert.False(await _store.AddAsync(delivery));
        WebhookDelivery read = (await _store.GetAsync(delivery.Tenant, "otel", "d1"))!;

        Assert.Equal(body, read.Body);
        Assert.Equal(delivery with { Body = read.Body, ETag = read.ETag }, read);
        Assert.NotNull(read.ETag);
    }

    [Fact]
    public async Task Update_Merge_KeepsTheBodyAndDropBodyRemovesIt()
    {
        WebhookDelivery delivery = Delivery(Tenant(), "d2", [1, 2, 3]);
        await _store.AddAsync(delivery);
        WebhookDelivery read = (await _store.GetAsync(delivery.Tenant, "otel", "d2"))!;

        WebhookDelivery claimed = await _store.UpdateAsync(read with { Attempts = 1, LastStatus = 503, LastError = "503 Service Unavailable" });
        Assert.Equal([1, 2, 3], (await _store.GetAsync(delivery.Tenant, "otel", "d2"))!.Body);

        await _store.UpdateAsync(claimed with { State = DeliveryStates.Delivered, LastStatus = 200, LastError = null }, dropBody: true);
        WebhookDelivery done = (await _store.GetAsync(delivery.Tenant, "otel", "d2"))!;

        Assert.Null(done.Body);
        Assert.Equal(DeliveryStates.Delivered, done.State);
        Assert.Equal(1, done.Attempts);
        Assert.Null(done.LastError);
    }

    [Fact]
    public async Task Update_StaleETag_ThrowsWriteConflictAndKeepsTheWinner()
    {
        WebhookDelivery delivery = Delivery(Tenant(), "d3", [9]);
        await _store.AddAsync(delivery);
        WebhookDelivery read = (await _store.GetAsync(delivery.Tenant, "otel", "d3"))!;
        await _store.UpdateAsync(read with { Attempts = 1 });

        await Assert.ThrowsAsync<WriteConflictException>(() => _store.UpdateAsync(read with { Attempts = 1, LastError = "the loser" }));

        Assert.Null((await _store.GetAsync(delivery.Tenant, "otel", "d3"))!.LastError);
    }

    [Fact]
    public async Task ListPending_OnlyPendingAndWithoutBodies()
    {
        string tenant = Tenant();
        await _store.AddAsync(Delivery(tenant, "pending", [1]));
        await _store.AddAsync(Delivery(tenant, "dead", [2]) with { State = DeliveryStates.DeadLettered });

        WebhookDelivery[] mine = [.. (await _store.ListPendingAsync()).Where(d => d.Tenant == tenant)];

        WebhookDelivery pending = Assert.Single(mine);
        Assert.Equal("pending", pending.Id);
        Assert.Equal("otel", pending.InstanceId);
        Assert.Null(pending.Body);
    }
}

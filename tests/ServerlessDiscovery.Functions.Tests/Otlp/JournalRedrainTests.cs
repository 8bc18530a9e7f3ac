using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>
/// Rows of a failed OTLP journal drain come back to later drains in parts, at different times (the failed drain claimed
/// them at different times, so their leases run out at different times): every acknowledged request is counted exactly
/// once, whatever the failed drain wrote before failing and however its rows come back split. The real app on Azurite
/// with a fake clock. A failed drain is played by explicit journal claims and, where it got that far, the inventory
/// writes it made (under its rows' lineage, as the app's drain does); every later drain is the app's own
/// <see cref="TraceFlusher.FlushAsync"/>, with its background loop taken out so nothing else claims meanwhile.
/// </summary>
public sealed class JournalRedrainTests : IAsyncLifetime
{
    private const string Tenant = "redrain";

    /// <summary>Between a failed drain's two claims: the second claim's rows stay held this much longer.</summary>
    private static readonly TimeSpan Gap = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private TestApp _app = null!;
    private HttpClient _client = null!;

    private TraceFlusher Flusher => _app.Get<TraceFlusher>();

    private IObservationJournal Journal => _app.Get<IObservationJournal>();

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00", ["Otlp:EarlyDrain"] = "false" },
            services =>
            {
                services.AddSingleton<TimeProvider>(_time);
                WithoutBackgroundDrains(services);
            });
        _client = OtlpRequests.Client(_app.BaseAddress, Tenant);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task FailedDrain_RowsReclaimedInTwoPartsAtDifferentTimes_EachPartAppliedOnce()
    {
        await ClaimedAtDifferentTimesByAFailedDrainAsync("d1");
        // d1 dies before writing anything.

        _time.Advance(Flusher.Lease - Gap + Tick); // the first request's row is free again, the second's still held
        await Flusher.FlushAsync();
        Dictionary<string, (long, long)> afterFirstPart = await OtlpRequests.UsageAsync(_client);
        _time.Advance(Gap);
        await Flusher.FlushAsync();

        Assert.Equal(new Dictionary<string, (long, long)> { ["openai/shared"] = (1, 10), ["openai/only-first"] = (1, 1) }, afterFirstPart);
        Assert.Equal(Exact, await OtlpRequests.UsageAsync(_client));
        Assert.Equal(0, await Journal.CountAsync());
    }

    [Fact]
    public async Task FailedDrainThatWroteEverything_RowsReclaimedInTwoParts_NothingCountedTwice()
    {
        IReadOnlyList<JournalEntry> claimed = await ClaimedAtDifferentTimesByAFailedDrainAsync("d1");
        // d1 wrote the inventory, then died before deleting its rows.
        await WriteAsFailedDrainAsync(claimed, "d1", _ => true);

        _time.Advance(Flusher.Lease - Gap + Tick);
        await Flusher.FlushAsync();
        Dictionary<string, (long, long)> afterFirstPart = await OtlpRequests.UsageAsync(_client);
        _time.Advance(Gap);
        await Flusher.FlushAsync();

        Assert.Equal(Exact, afterFirstPart);
        Assert.Equal(Exact, await OtlpRequests.UsageAsync(_client));
        Assert.Equal(0, await Journal.CountAsync());
    }

    [Fact]
    public async Task ReclaimedPartFailedHalfWay_ComesBackSplitDifferently_NothingCountedTwiceOrLost()
    {
        await ClaimedAtDifferentTimesByAFailedDrainAsync("d1");
        // d1 dies before writing anything. d2 takes both rows back, again at different times (as one drain's claim
        // calls can be), as one part of d1.
        _time.Advance(Flusher.Lease - Gap + Tick);
        List<JournalEntry> part = [.. await Journal.ClaimAsync("d2", Flusher.Lease, int.MaxValue)];
        _time.Advance(Gap);
        part.AddRange(await Journal.ClaimAsync("d2", Flusher.Lease, int.MaxValue));
        // d2 writes the shared model (both rows' counts) and dies before the others.
        await WriteAsFailedDrainAsync(part, "d1:d2", o => o.Asset.Id == "openai/shared");

        // The part comes back split: each row alone, at its own time.
        _time.Advance(Flusher.Lease - Gap + Tick);
        await Flusher.FlushAsync();
        Dictionary<string, (long, long)> afterFirstRow = await OtlpRequests.UsageAsync(_client);
        _time.Advance(Gap);
        await Flusher.FlushAsync();

        Assert.Equal(["d1:d2", "d1:d2"], part.Select(e => e.DrainId));
        Assert.Equal(new Dictionary<string, (long, long)> { ["openai/shared"] = (2, 20), ["openai/only-first"] = (1, 1) }, afterFirstRow);
        Assert.Equal(Exact, await OtlpRequests.UsageAsync(_client));
        Assert.Equal(0, await Journal.CountAsync());
    }

    /// <summary>What the two acknowledged requests add up to, each counted once.</summary>
    private static Dictionary<string, (long, long)> Exact => new()
    {
        ["openai/shared"] = (2, 20),
        ["openai/only-first"] = (1, 1),
        ["openai/only-second"] = (1, 1),
    };

    /// <summary>
    /// Two acknowledged requests, each naming "shared" (10 input tokens) and its own model (1), journaled and claimed by
    /// the drain <paramref name="drainId"/> in two claims <see cref="Gap"/> apart, as one drain's claim calls can be.
    /// </summary>
    private async Task<IReadOnlyList<JournalEntry>> ClaimedAtDifferentTimesByAFailedDrainAsync(string drainId)
    {
        await PostAsync("first");
        IReadOnlyList<JournalEntry> first = await Journal.ClaimAsync(drainId, Flusher.Lease, int.MaxValue);
        _time.Advance(Gap);
        await PostAsync("second");
        IReadOnlyList<JournalEntry> second = await Journal.ClaimAsync(drainId, Flusher.Lease, int.MaxValue);
        Assert.Single(first);
        Assert.Single(second);
        return [.. first, .. second];
    }

    private async Task PostAsync(string name)
    {
        using HttpResponseMessage response = await _client.PostAsync("v1/traces", OtlpRequests.Body([
            OtlpRequests.Span("chat", [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "shared")], inputTokens: 10),
            OtlpRequests.Span("chat", [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "only-" + name)], inputTokens: 1),
        ]));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The inventory writes a drain of <paramref name="rows"/> made before it failed: the assets chosen, under the lineage <paramref name="key"/>.</summary>
    private async Task WriteAsFailedDrainAsync(IEnumerable<JournalEntry> rows, string key, Func<ObservedAsset, bool> written)
    {
        var aggregate = new ObservationAggregate();
        foreach (JournalEntry row in rows)
        {
            JournalPayload.Decode(row.Payload, aggregate);
        }

        await _app.Get<ObservationWriter>().ApplyAsync(Tenant, TraceFlusher.DefaultInstanceId, [.. aggregate.Assets().Where(written)], [], key);
    }

    /// <summary>The flusher stays (the OTLP endpoint and the test use it) but its hosted loop does not run: only the test drains.</summary>
    private static void WithoutBackgroundDrains(IServiceCollection services)
    {
        foreach (ServiceDescriptor hosted in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory is not null).ToList())
        {
            Func<IServiceProvider, object> factory = hosted.ImplementationFactory!;
            services[services.IndexOf(hosted)] = ServiceDescriptor.Singleton<IHostedService>(sp =>
                factory(sp) is IHostedService service and not TraceFlusher ? service : new Idle());
        }
    }

    private sealed class Idle : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

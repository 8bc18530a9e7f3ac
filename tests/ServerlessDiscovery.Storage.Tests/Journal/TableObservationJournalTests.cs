using System.Text;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Observations;
using ServerlessDiscovery.Storage.Journal;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Storage.Tests.Journal;

/// <summary>The write-ahead journal on Azurite: appends are durable rows, a claim is exclusive until its lease runs out, completion deletes.</summary>
public sealed class TableObservationJournalTests
{
    private readonly ManualTime _time = new();
    private readonly TableStore _store = new(Options.Create(new StorageOptions { ConnectionString = Azurite.ConnectionString, TablePrefix = Azurite.UniqueName("j") }));

    [Fact]
    public async Task Append_ThenClaim_ReturnsPayloads_SecondClaimerGetsNothing_CompleteDeletes()
    {
        var journal = new TableObservationJournal(_store, _time);
        await journal.AppendAsync("tenant/a", [Encoding.UTF8.GetBytes("one"), Encoding.UTF8.GetBytes("two")]);

        IReadOnlyList<JournalEntry> claimed = await journal.ClaimAsync("d1", TimeSpan.FromMinutes(1), 1 << 20);
        IReadOnlyList<JournalEntry> other = await new TableObservationJournal(_store, _time).ClaimAsync("d2", TimeSpan.FromMinutes(1), 1 << 20);
        await journal.CompleteAsync(claimed);

        Assert.Equal(["one", "two"], claimed.Select(e => Encoding.UTF8.GetString(e.Payload)));
        Assert.All(claimed, e => Assert.Equal(("tenant/a", "d1", 1), (e.Tenant, e.DrainId, e.Attempts)));
        Assert.Empty(other);
        Assert.Equal(0, await journal.CountAsync());
    }

    [Fact]
    public async Task LeaseRunsOut_AnotherClaimsIt_ExtendingTheDrainLineage_TheFirstHoldersCompleteLeavesIt()
    {
        var journal = new TableObservationJournal(_store, _time);
        await journal.AppendAsync("t", [Encoding.UTF8.GetBytes("x")]);
        IReadOnlyList<JournalEntry> first = await journal.ClaimAsync("d1", TimeSpan.FromMinutes(1), 1 << 20);

        _time.Advance(TimeSpan.FromMinutes(2));
        IReadOnlyList<JournalEntry> second = await journal.ClaimAsync("d2", TimeSpan.FromMinutes(1), 1 << 20);
        await journal.CompleteAsync(first);
        int afterStaleComplete = await journal.CountAsync();
        await journal.CompleteAsync(second);

        JournalEntry retaken = Assert.Single(second);
        Assert.Equal(("d1:d2", 2), (retaken.DrainId, retaken.Attempts));
        Assert.Equal(1, afterStaleComplete);
        Assert.Equal(0, await journal.CountAsync());
    }

    [Fact]
    public async Task Append_PayloadsLargerThanAProperty_SplitAndCompressed_ReadBackExactly()
    {
        var journal = new TableObservationJournal(_store, _time);
        byte[] large = new byte[700_000];
        new Random(12).NextBytes(large.AsSpan(0, 300_000)); // partly incompressible
        byte[] second = Encoding.UTF8.GetBytes(new string('s', 2_000_000));

        await journal.AppendAsync("t", [large, second]);
        IReadOnlyList<JournalEntry> claimed = await journal.ClaimAsync("d", TimeSpan.FromMinutes(1), 64 << 20);

        Assert.Equal(2, claimed.Count);
        Assert.Equal(large, claimed[0].Payload);
        Assert.Equal(second, claimed[1].Payload);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

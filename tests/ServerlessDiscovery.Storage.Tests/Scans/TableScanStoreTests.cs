using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Storage.Scans;

namespace ServerlessDiscovery.Storage.Tests.Scans;

/// <summary><see cref="TableScanStore"/> against the real Azurite: the record's mapping, newest-first listing and progress merges.</summary>
public sealed class TableScanStoreTests(TableFixture fixture) : IClassFixture<TableFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private readonly TableScanStore _store = new(fixture.Store);

    private static string Tenant() => "t" + Guid.NewGuid().ToString("N")[..12];

    private static ScanRun Run(string tenant, DateTimeOffset startedAt) => new()
    {
        Tenant = tenant,
        InstanceId = "inst-1",
        RunId = ScanRun.NewRunId(startedAt),
        Status = ScanStatus.Running,
        Trigger = "schedule",
        StartedAt = startedAt,
        Host = "host-a",
    };

    [Fact]
    public async Task SaveThenGet_FinishedRun_RoundTripsEveryField()
    {
        var note = new ScopeNote(ScopeNote.Incomplete);
        note.Add("item a could not be read");
        ScanRun run = Run(Tenant(), Start) with
        {
            Status = ScanStatus.Partial,
            Forced = true,
            CompletedAt = Start.AddSeconds(42),
            Changes = new ScanChanges { Created = 1, Updated = 2, Unchanged = 3, Deleted = 4, Stale = 5, Restored = 6, EntityWrites = 7 },
            Assets = 8,
            Edges = 9,
            Rejected = 10,
            Error = "1 scope(s) failed",
            Scopes = new Dictionary<string, string?> { ["region/a"] = null, ["region/b"] = "403 Forbidden" },
            Notes = new Dictionary<string, ScopeNote> { ["region/c"] = note },
            Progress = new ScanRunProgress(3, 3, false, 8, Start.AddSeconds(41)),
        };

        await _store.SaveAsync(run);
        ScanRun read = (await _store.GetAsync(run.Tenant, run.InstanceId, run.RunId))!;

        Assert.Equal(run.Changes, read.Changes);
        Assert.Equal(run.Progress, read.Progress);
        Assert.Equal(run.Scopes, read.Scopes);
        Assert.Equal(["item a could not be read"], read.Notes["region/c"].Messages);
        Assert.Equal(ScopeNote.Incomplete, read.Notes["region/c"].Outcome);
        Assert.Equal(run with { Scopes = read.Scopes, Notes = read.Notes }, read);
    }

    [Fact]
    public async Task SaveThenGet_RefusedRun_KeepsTheRefusalApartFromTheError()
    {
        ScanRun run = Run(Tenant(), Start) with
        {
            Status = ScanStatus.Refused,
            CompletedAt = Start.AddSeconds(1),
            Changes = new ScanChanges { Refusal = "would delete 80 % of the instance's assets" },
        };

        await _store.SaveAsync(run);
        ScanRun read = (await _store.GetAsync(run.Tenant, run.InstanceId, run.RunId))!;

        Assert.Null(read.Error);
        Assert.Equal("would delete 80 % of the instance's assets", read.Changes.Refusal);
    }

    [Fact]
    public async Task List_SeveralRuns_NewestFirstUpToTheLimit()
    {
        string tenant = Tenant();
        ScanRun[] runs = [.. Enumerable.Range(0, 4).Select(i => Run(tenant, Start.AddMinutes(i)))];
        foreach (ScanRun run in runs)
        {
            await _store.SaveAsync(run);
        }

        IReadOnlyList<ScanRun> listed = await _store.ListAsync(tenant, "inst-1", 3);

        Assert.Equal([runs[3].RunId, runs[2].RunId, runs[1].RunId], listed.Select(r => r.RunId));
    }

    [Fact]
    public async Task SaveProgress_RunningRun_MergesProgressOnly()
    {
        ScanRun run = Run(Tenant(), Start);
        await _store.SaveAsync(run);

        Assert.True(await _store.SaveProgressAsync(run with { Status = ScanStatus.Failed }, new ScanRunProgress(2, null, false, 17, Start.AddSeconds(5))));

        ScanRun read = (await _store.GetAsync(run.Tenant, run.InstanceId, run.RunId))!;
        Assert.Equal(ScanStatus.Running, read.Status);
        Assert.Equal(new ScanRunProgress(2, null, false, 17, Start.AddSeconds(5)), read.Progress);
    }

    [Fact]
    public async Task SaveProgress_NoRecord_ReturnsFalseAndWritesNothing()
    {
        ScanRun run = Run(Tenant(), Start);

        Assert.False(await _store.SaveProgressAsync(run, new ScanRunProgress(1, 1, false, 1, Start)));
        Assert.Null(await _store.GetAsync(run.Tenant, run.InstanceId, run.RunId));
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Scanning;

/// <summary>Two app instances on one Azurite (the same tables) with the same due instance.</summary>
public sealed class TwoHostsTests
{
    [Fact]
    public async Task Tick_SameDueInstanceOnTwoHosts_ExactlyOneScanRuns()
    {
        string prefix = Azurite.UniqueName("p");
        await using EngineApp first = await EngineApp.StartAsync(tablePrefix: prefix);
        await using EngineApp second = await EngineApp.StartAsync(tablePrefix: prefix);
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        await first.CreateFakeInstanceAsync("shared", source);
        DateTimeOffset later = DateTimeOffset.UtcNow.AddHours(2);

        JsonObject[] ticks = await Task.WhenAll(
            first.App.Get<DiscoveryScheduler>().TickAsync(later),
            second.App.Get<DiscoveryScheduler>().TickAsync(later));

        // Which host sees it due first is a race; that exactly one scans is not.
        Assert.Equal(1, ticks.Sum(t => t["scans"]!.AsArray().Count));
        Assert.Equal(1, source.Scans);
        JsonObject history = JsonNode.Parse(await first.Client.GetStringAsync("api/v1/instances/shared/scans"))!.AsObject();
        Assert.Equal(1, history["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task TryClaim_TwoHostsWithTheSameSnapshot_OnlyOneWins()
    {
        string prefix = Azurite.UniqueName("p");
        await using EngineApp first = await EngineApp.StartAsync(tablePrefix: prefix);
        await using EngineApp second = await EngineApp.StartAsync(tablePrefix: prefix);
        await first.CreateFakeInstanceAsync("contested", FakeSource.Create());
        Domain.Instances.PluginInstance snapshot = (await first.App.Get<Domain.Instances.IInstanceStore>().GetAsync("default", "contested"))!;
        DateTimeOffset now = DateTimeOffset.UtcNow;

        ScanClaim?[] claims = await Task.WhenAll(
            first.App.Get<ScanRunner>().TryClaimAsync(snapshot, now, scheduled: true),
            second.App.Get<ScanRunner>().TryClaimAsync(snapshot, now, scheduled: true));

        Assert.Single(claims, c => c is not null);
    }

    [Fact]
    public async Task Tick_HostDiedMidScan_NextTickTakesOverAfterLeaseExpiry()
    {
        string prefix = Azurite.UniqueName("p");
        var shortLease = new Dictionary<string, string?> { ["Discovery:LeaseDuration"] = "00:10:00", ["Discovery:ScanTimeout"] = "00:05:00" };
        await using EngineApp survivor = await EngineApp.StartAsync(shortLease, prefix);
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        source.Put(AssetTypes.Model, "m1", "s", "m1");
        await survivor.CreateFakeInstanceAsync("orphan", source);

        // A host claims the instance and dies before scanning: its lease is left on the row.
        ScanRunner runner = survivor.App.Get<ScanRunner>();
        Domain.Instances.PluginInstance instance = (await survivor.App.Get<Domain.Instances.IInstanceStore>().GetAsync("default", "orphan"))!;
        ScanClaim? dead = await runner.TryClaimAsync(instance, DateTimeOffset.UtcNow, scheduled: true);
        Assert.NotNull(dead);
        await survivor.App.Get<IScanStore>().SaveAsync(new ScanRun
        {
            Tenant = "default", InstanceId = "orphan", RunId = dead.RunId, Status = ScanStatus.Running, Trigger = "schedule", StartedAt = dead.StartedAt, Host = "dead-host",
        });

        JsonObject whileLeased = await survivor.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow.AddMinutes(5));
        JsonObject afterExpiry = await survivor.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow.AddMinutes(11));

        Assert.Equal(0, whileLeased["due"]!.GetValue<int>());
        Assert.Equal("succeeded", afterExpiry["scans"]!.AsArray().Single()!["status"]!.GetValue<string>());
        JsonObject history = JsonNode.Parse(await survivor.Client.GetStringAsync("api/v1/instances/orphan/scans"))!.AsObject();
        Assert.Contains(history["scans"]!.AsArray(), s => s!["scan_run_id"]!.GetValue<string>() == dead.RunId && s["status"]!.GetValue<string>() == "abandoned");
    }
}

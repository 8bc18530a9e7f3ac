using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Scanning;

/// <summary>
/// The whole engine through the real API, scheduler, inventory writer and Azurite, driven by the in-test plugin:
/// create, scan, change, remove, fail a scope, hit the deletion guard, force it.
/// </summary>
public sealed class ScanLifecycleTests
{
    private const string ScopeA = "fake:a";
    private const string ScopeB = "fake:b";

    [Fact]
    public async Task Lifecycle_CreateChangeDeleteStaleGuardForce_RowsVersionsRunsAndEventsAreExact()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.AddRange([ScopeA, ScopeB]);
        source.Put(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m1", ScopeA, "m1", new JsonObject { ["framework"] = "pytorch" });
        source.Put(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m2", ScopeA, "m2");
        source.Put(AssetTypes.Endpoint, "https://host/endpoints/e1?x=1#f", ScopeB, "e1");
        source.Put(AssetTypes.Endpoint, "https://host/endpoints/e2", ScopeB, "e2");
        source.Edges.Add(new DiscoveredEdge(AssetTypes.Endpoint, "https://host/endpoints/e2", Relationships.Serves, AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m2", ScopeB));
        await app.CreateFakeInstanceAsync("fake1", source);

        // 1. First scan: four created.
        JsonObject run1 = await app.RefreshAsync("fake1");
        Assert.Equal("succeeded", run1["status"]!.GetValue<string>());
        Assert.Equal(4, run1["counts"]!["created"]!.GetValue<int>());
        Dictionary<string, TableEntity> rows = await app.AssetRowsAsync("fake1");
        Assert.Equal(4, rows.Count);
        Assert.All(rows.Values, r => Assert.Equal(1L, r.GetInt64("Version")));
        Assert.All(rows.Values, r => Assert.Equal("active", r.GetString("State")));
        Assert.Equal(
            [ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated, ChangeEventTypes.AssetCreated, ChangeEventTypes.ScanCompleted],
            app.Events.Events.Select(e => e.Type));
        ChangeEvent created = app.Events.Events.First(e => e.Subject == "assets/endpoint/https://host/endpoints/e1?x=1#f");
        Assert.Equal("/tenants/default/instances/fake1", created.Source);
        Assert.Equal(run1["scan_run_id"]!.GetValue<string>(), created.Data["scan_run_id"]!.GetValue<string>());
        Assert.Equal(1, created.Data["version"]!.GetValue<int>());
        Assert.Equal("https://host/endpoints/e1?x=1#f", created.Data["asset"]!["id"]!.GetValue<string>());
        Assert.Single(await EdgeRowsAsync(app, "fake1"));
        Assert.Empty(await OutboxAsync(app, "fake1"));

        // 2. Unchanged re-scan: no asset writes, no asset events.
        app.Events.Clear();
        JsonObject run2 = await app.RefreshAsync("fake1");
        Assert.Equal(4, run2["counts"]!["unchanged"]!.GetValue<int>());
        Assert.Equal(0, run2["counts"]!["entity_writes"]!.GetValue<int>());
        Assert.Equal([ChangeEventTypes.ScanCompleted], app.Events.Events.Select(e => e.Type));

        // 3. One changed, one removed from a fully observed scope.
        app.Events.Clear();
        source.Put(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m1", ScopeA, "m1", new JsonObject { ["framework"] = "onnx" });
        source.Remove(AssetTypes.Endpoint, "https://host/endpoints/e2");
        source.Edges.Clear();
        JsonObject run3 = await app.RefreshAsync("fake1");
        Assert.Equal("succeeded", run3["status"]!.GetValue<string>());
        Assert.Equal(1, run3["counts"]!["updated"]!.GetValue<int>());
        Assert.Equal(1, run3["counts"]!["deleted"]!.GetValue<int>());
        rows = await app.AssetRowsAsync("fake1");
        TableEntity m1 = rows[StorageKeys.AssetRow("model", "arn:aws:sagemaker:us-east-1:1:model/m1")];
        TableEntity e2 = rows[StorageKeys.AssetRow("endpoint", "https://host/endpoints/e2")];
        Assert.Equal(2L, m1.GetInt64("Version"));
        Assert.Equal("deleted", e2.GetString("State"));
        Assert.Contains("fake:b", e2.GetString("Reason"), StringComparison.Ordinal);
        Assert.Equal(
            [ChangeEventTypes.AssetUpdated, ChangeEventTypes.AssetDeleted, ChangeEventTypes.ScanCompleted],
            app.Events.Events.Select(e => e.Type));
        Assert.Equal(["attributes.framework"], app.Events.Events[0].Data["changes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("deleted", (await EdgeRowsAsync(app, "fake1")).Single().GetString("State"));

        // 4. Scope A fails: its assets not reported become stale, never deleted.
        app.Events.Clear();
        source.CompletedScopes.Remove(ScopeA);
        source.FailedScopes[ScopeA] = "AccessDenied in us-east-1";
        source.Remove(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m1");
        source.Remove(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m2");
        JsonObject run4 = await app.RefreshAsync("fake1");
        Assert.Equal("partial", run4["status"]!.GetValue<string>());
        Assert.Equal(2, run4["counts"]!["stale"]!.GetValue<int>());
        rows = await app.AssetRowsAsync("fake1");
        Assert.Equal("stale", rows[StorageKeys.AssetRow("model", "arn:aws:sagemaker:us-east-1:1:model/m1")].GetString("State"));
        Assert.Equal(3L, rows[StorageKeys.AssetRow("model", "arn:aws:sagemaker:us-east-1:1:model/m1")].GetInt64("Version"));
        Assert.Equal([ChangeEventTypes.AssetStale, ChangeEventTypes.AssetStale, ChangeEventTypes.ScanCompleted], app.Events.Events.Select(e => e.Type));

        // 5. The deletion guard: scope A completes empty, which would delete both models (2 of 3 active).
        app.Events.Clear();
        source.FailedScopes.Clear();
        source.CompletedScopes.Add(ScopeA);
        JsonObject run5 = await app.RefreshAsync("fake1");
        Assert.Equal("refused", run5["status"]!.GetValue<string>());
        Assert.Contains("force=true", run5["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("stale", (await app.AssetRowsAsync("fake1"))[StorageKeys.AssetRow("model", "arn:aws:sagemaker:us-east-1:1:model/m1")].GetString("State"));
        Assert.Equal([ChangeEventTypes.ScanFailed], app.Events.Events.Select(e => e.Type));

        // 6. Forced: applied.
        app.Events.Clear();
        JsonObject run6 = await app.RefreshAsync("fake1", force: true);
        Assert.Equal("succeeded", run6["status"]!.GetValue<string>());
        Assert.True(run6["forced"]!.GetValue<bool>());
        Assert.Equal(2, run6["counts"]!["deleted"]!.GetValue<int>());
        Assert.Equal([ChangeEventTypes.AssetDeleted, ChangeEventTypes.AssetDeleted, ChangeEventTypes.ScanCompleted], app.Events.Events.Select(e => e.Type));

        // 7. A deleted asset seen again is restored with its history.
        app.Events.Clear();
        source.Put(AssetTypes.Model, "arn:aws:sagemaker:us-east-1:1:model/m2", ScopeA, "m2");
        JsonObject run7 = await app.RefreshAsync("fake1");
        Assert.Equal(1, run7["counts"]!["restored"]!.GetValue<int>());
        TableEntity m2 = (await app.AssetRowsAsync("fake1"))[StorageKeys.AssetRow("model", "arn:aws:sagemaker:us-east-1:1:model/m2")];
        Assert.Equal("active", m2.GetString("State"));
        Assert.Equal(4L, m2.GetInt64("Version"));
        Assert.Equal([ChangeEventTypes.AssetRestored, ChangeEventTypes.ScanCompleted], app.Events.Events.Select(e => e.Type));

        // The scan history lists all seven runs, newest first.
        JsonObject history = (await app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/fake1/scans"))!;
        Assert.Equal(
            new[] { run7, run6, run5, run4, run3, run2, run1 }.Select(r => r["scan_run_id"]!.GetValue<string>()),
            history["scans"]!.AsArray().Select(s => s!["scan_run_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Scan_ScopeIncompleteAndUnavailable_WarnsOnTheRecordAndNeitherTombstonesNorStales()
    {
        const string secret = "sk-incomplete-0123456789";
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.AddRange([ScopeA, ScopeB]);
        source.Put(AssetTypes.Model, "m1", ScopeA, "m1");
        source.Put(AssetTypes.Model, "m2", ScopeA, "m2");
        source.Put(AssetTypes.Endpoint, "e1", ScopeB, "e1");
        await app.CreateFakeInstanceAsync("notes", source, apiKey: secret);
        await app.RefreshAsync("notes");

        // m2 could not be read this time (and the plugin wrongly completes scope A as well); scope B is not offered now.
        source.Remove(AssetTypes.Model, "m2");
        source.CompletedScopes.Remove(ScopeB);
        source.IncompleteScopes[ScopeA] = ["m2: 400 ValidationException (key {api_key})"];
        source.UnavailableScopes[ScopeB] = "feature not enabled";
        JsonObject run = await app.RefreshAsync("notes"); // as the scans table returns it

        Assert.Equal("succeeded", run["status"]!.GetValue<string>());
        Assert.Equal("incomplete: 1 item(s) could not be read", run["scopes"]![ScopeA]!.GetValue<string>());
        Assert.Equal("unavailable: feature not enabled", run["scopes"]![ScopeB]!.GetValue<string>());
        string warning = Assert.Single(run["warnings"]!.AsArray())!.GetValue<string>();
        Assert.StartsWith($"{ScopeA}: m2: 400 ValidationException", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, run.ToJsonString(), StringComparison.Ordinal);
        Assert.All((await app.AssetRowsAsync("notes")).Values, row => Assert.Equal("active", row.GetString("State")));
    }

    [Fact]
    public async Task Scan_PluginThrows_LeavesFailedRunAndNothingElse()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add(ScopeA);
        source.Put(AssetTypes.Model, "m1", ScopeA, "m1");
        await app.CreateFakeInstanceAsync("fake2", source);
        await app.RefreshAsync("fake2");
        app.Events.Clear();

        source.Throw = "provider exploded";
        source.Assets.Clear();
        JsonObject run = await app.RefreshAsync("fake2");

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("provider exploded", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("active", (await app.AssetRowsAsync("fake2")).Single().Value.GetString("State"));
        Assert.Equal([ChangeEventTypes.ScanFailed], app.Events.Events.Select(e => e.Type));
    }

    [Fact]
    public async Task Scan_PluginHangs_TimesOutAsFailedRun()
    {
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?>
        {
            ["Discovery:ScanTimeout"] = "00:00:00.500",
        });
        FakeSource source = FakeSource.Create();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await app.CreateFakeInstanceAsync("hangs", source);

        JsonObject run = await app.RefreshAsync("hangs");

        Assert.Equal("failed", run["status"]!.GetValue<string>());
        Assert.Contains("Discovery__ScanTimeout", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(await app.AssetRowsAsync("hangs"));
        source.Gate.SetResult();
    }

    [Fact]
    public async Task Tick_DueSchedule_ScansThroughTheScheduler()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add(ScopeA);
        source.Put(AssetTypes.Model, "m1", ScopeA, "m1");
        await app.CreateFakeInstanceAsync("ticked", source);
        using (var put = new HttpRequestMessage(HttpMethod.Put, "api/v1/instances/ticked") { Content = System.Net.Http.Json.JsonContent.Create(new JsonObject { ["schedule"] = "0 */5 * * * *" }) })
        {
            (await app.Client.SendAsync(put)).EnsureSuccessStatusCode();
        }

        DiscoveryScheduler scheduler = app.App.Get<DiscoveryScheduler>();
        JsonObject notYet = await scheduler.TickAsync(DateTimeOffset.UtcNow);
        JsonObject due = await scheduler.TickAsync(DateTimeOffset.UtcNow.AddMinutes(6));
        JsonObject again = await scheduler.TickAsync(DateTimeOffset.UtcNow.AddMinutes(6));

        Assert.Equal(0, notYet["due"]!.GetValue<int>());
        Assert.Equal("succeeded", due["scans"]!.AsArray().Single()!["status"]!.GetValue<string>());
        Assert.Equal(0, again["due"]!.GetValue<int>());
        Assert.Equal(1, source.Scans);
        Assert.Single(await app.AssetRowsAsync("ticked"));
    }

    [Fact]
    public async Task Refresh_WhileRunning_Answers409()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await app.CreateFakeInstanceAsync("busy", source);

        using HttpResponseMessage first = await app.Client.PostAsync("api/v1/instances/busy/refresh", null);
        using HttpResponseMessage second = await app.Client.PostAsync("api/v1/instances/busy/refresh", null);
        source.Gate.SetResult();
        await app.App.Get<DiscoveryScheduler>().WhenIdleAsync();

        Assert.Equal(System.Net.HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
    }

    internal static async Task<List<TableEntity>> OutboxAsync(EngineApp app, string instance, string tenant = "default")
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in app.App.Table(TableNames.Assets).QueryAsync<TableEntity>(TableQueries.RowKeyPrefix($"{tenant}~{instance}", "!outbox~")))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<List<TableEntity>> EdgeRowsAsync(EngineApp app, string instance)
    {
        var rows = new List<TableEntity>();
        await foreach (TableEntity row in app.App.Table(TableNames.Edges).QueryAsync<TableEntity>(TableQueries.Partition($"default~{instance}")))
        {
            rows.Add(row);
        }

        return rows;
    }
}

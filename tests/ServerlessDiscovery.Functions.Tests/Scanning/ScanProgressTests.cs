using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.LiteLlm.Tests;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Scanning;

/// <summary>
/// Progress of a running scan through the real API, scheduler and Azurite. The provider is the loopback LiteLLM
/// proxy (LiteLLM proxy API: GET /model/info, /team/list; see FakeProxy), whose /team/list the test holds open so the
/// scan stands still after its models and MCP scopes while the test reads the run, then lets go.
/// </summary>
public sealed class ScanProgressTests
{
    [Fact]
    public async Task RunningScan_HeldAtThirdScope_ShowsTwoOfSevenScopesAndAssetsSoFar_ThenCompletes()
    {
        await using FakeProxy proxy = await FakeProxy.StartAsync();
        proxy.Json("/model/info", """
            {"data":[
              {"model_name":"gpt-4o","litellm_params":{"model":"openai/gpt-4o"},"model_info":{"id":"d1"}},
              {"model_name":"claude","litellm_params":{"model":"anthropic/claude-sonnet-4-5"},"model_info":{"id":"d2"}}
            ]}
            """);
        var teamsAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseTeams = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Route("/team/list", async context =>
        {
            teamsAsked.TrySetResult();
            await releaseTeams.Task;
            await FakeProxy.WriteAsync(context, 200, "[]");
        });
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("litellm", "proxy1", new JsonObject { ["proxy_url"] = proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey });

        string runId = await StartAsync(app, "proxy1");
        await teamsAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        JsonObject held = await WaitForAsync(app, "proxy1", runId, r => r["progress"]!["scopes_done"]!.GetValue<int>() == 2);

        // Models (2 deployments, 2 models) and MCP (none) reported; teams held; keys, agents, guardrails, vector stores to come.
        Assert.Equal("running", held["status"]!.GetValue<string>());
        Assert.Equal(7, held["progress"]!["scopes_total"]!.GetValue<int>());
        Assert.False(held["progress"]!["scopes_total_estimated"]!.GetValue<bool>());
        Assert.Equal(4, held["progress"]!["assets"]!.GetValue<int>());
        Assert.Null(held["completed_at"]);
        JsonObject listed = (await app.Client.GetFromJsonAsync<JsonObject>("api/v1/instances/proxy1/scans"))!;
        JsonNode listedRun = listed["scans"]!.AsArray().Single(s => s!["scan_run_id"]!.GetValue<string>() == runId)!;
        Assert.Equal("running", listedRun["status"]!.GetValue<string>());
        Assert.Equal(2, listedRun["progress"]!["scopes_done"]!.GetValue<int>());

        releaseTeams.SetResult();
        await app.App.Get<DiscoveryScheduler>().WhenIdleAsync();
        JsonObject done = await GetRunAsync(app, "proxy1", runId);
        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
        Assert.Equal(7, done["progress"]!["scopes_done"]!.GetValue<int>());
        Assert.Equal(7, done["progress"]!["scopes_total"]!.GetValue<int>());
        Assert.Equal(4, done["progress"]!["assets"]!.GetValue<int>());
        Assert.Equal(4, done["counts"]!["discovered"]!.GetValue<int>());
        Assert.Equal(7, done["scopes"]!.AsObject().Count);
    }

    [Fact]
    public async Task PluginWithoutPlan_SecondScan_EstimatesTotalFromLastFinishedScan()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.AddRange(["fake:a", "fake:b", "fake:c"]);
        source.Put(AssetTypes.Model, "m1", "fake:a", "m1");
        await app.CreateFakeInstanceAsync("fake1", source);
        JsonObject first = await app.RefreshAsync("fake1");
        Assert.Equal(3, first["progress"]!["scopes_total"]!.GetValue<int>());
        Assert.False(first["progress"]!["scopes_total_estimated"]!.GetValue<bool>());

        source.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string runId = await StartAsync(app, "fake1");
        JsonObject held = await WaitForAsync(app, "fake1", runId, r => r["progress"]!["scopes_total"] is not null);
        Assert.Equal("running", held["status"]!.GetValue<string>());
        Assert.Equal(0, held["progress"]!["scopes_done"]!.GetValue<int>());
        Assert.Equal(3, held["progress"]!["scopes_total"]!.GetValue<int>());
        Assert.True(held["progress"]!["scopes_total_estimated"]!.GetValue<bool>());

        source.Gate.SetResult();
        await app.App.Get<DiscoveryScheduler>().WhenIdleAsync();
        JsonObject done = await GetRunAsync(app, "fake1", runId);
        Assert.Equal(3, done["progress"]!["scopes_done"]!.GetValue<int>());
        Assert.Equal(3, done["progress"]!["scopes_total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("20260101T000000000Z-deadbeef")]
    [InlineData("not%20a%20run")]
    [InlineData("x%27%20or%20RunId%20ne%20%27")]
    public async Task UnknownOrMalformedRunId_Answers404Problem(string runId)
    {
        await using EngineApp app = await EngineApp.StartAsync();
        FakeSource source = FakeSource.Create();
        await app.CreateFakeInstanceAsync("fake1", source);

        using HttpResponseMessage response = await app.Client.GetAsync($"api/v1/instances/fake1/scans/{runId}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No scan run", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TenantBoundKey_OtherTenantsRun_Answers404()
    {
        const string keyA = "key-for-tenant-a-0123456789";
        const string keyB = "key-for-tenant-b-0123456789";
        await using EngineApp app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = $"{keyA}@tenant-a;{keyB}@tenant-b" });
        FakeSource source = FakeSource.Create();
        source.CompletedScopes.Add("s");
        using HttpClient b = Client(app, keyB);
        using HttpClient a = Client(app, keyA);
        using HttpResponseMessage created = await b.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "b-inst",
            ["config"] = new JsonObject { ["source"] = source.Name },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using HttpResponseMessage refreshed = await b.PostAsync("api/v1/instances/b-inst/refresh", null);
        string runId = JsonNode.Parse(await refreshed.Content.ReadAsStringAsync())!["scan_run_id"]!.GetValue<string>();
        await app.App.Get<DiscoveryScheduler>().WhenIdleAsync();

        using HttpResponseMessage own = await b.GetAsync($"api/v1/instances/b-inst/scans/{runId}");
        using HttpResponseMessage other = await a.GetAsync($"api/v1/instances/b-inst/scans/{runId}");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain(runId, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRunAndItsProgress()
    {
        await using EngineApp app = await EngineApp.StartAsync();
        JsonObject document = (await app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;
        JsonObject paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/instances/{id}/scans/{scanRunId}"), string.Join(", ", paths.Select(p => p.Key)));
        string schemas = document["components"]!["schemas"]!.ToJsonString();
        Assert.Contains("scopes_done", schemas, StringComparison.Ordinal);
        Assert.Contains("scopes_total", schemas, StringComparison.Ordinal);
    }

    private static HttpClient Client(EngineApp app, string key)
    {
        var client = new HttpClient { BaseAddress = app.Client.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    private static async Task<string> StartAsync(EngineApp app, string id)
    {
        using HttpResponseMessage response = await app.Client.PostAsync($"api/v1/instances/{id}/refresh", null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        return JsonNode.Parse(body)!["scan_run_id"]!.GetValue<string>();
    }

    private static async Task<JsonObject> GetRunAsync(EngineApp app, string id, string runId)
    {
        using HttpResponseMessage response = await app.Client.GetAsync($"api/v1/instances/{id}/scans/{runId}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Reads the run until it satisfies <paramref name="condition"/>: progress is written on the recorder's own clock.</summary>
    private static async Task<JsonObject> WaitForAsync(EngineApp app, string id, string runId, Func<JsonObject, bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        JsonObject run = await GetRunAsync(app, id, runId);
        while (!condition(run))
        {
            Assert.False(deadline.IsCancellationRequested, $"The run never got there: {run.ToJsonString()}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            run = await GetRunAsync(app, id, runId);
        }

        return run;
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>
/// The real built app (its own process, standalone, on Azurite) with three keys (one for any tenant, one bound to each
/// of tenant-a and tenant-b), seeded as people would: tenant-a through the API (a litellm instance scanned against a
/// loopback LiteLLM proxy) and OTLP (an agent → model, agent → tool → database chain); tenant-b through OTLP only. A
/// discovery tick every two seconds opens the findings the traces support. One per test collection.
/// </summary>
public sealed class DashboardApp : IAsyncLifetime
{
    public const string AnyTenantKey = "ui-tests-any-tenant-key-0123456789";
    public const string KeyA = "ui-tests-tenant-a-key-0123456789";
    public const string KeyB = "ui-tests-tenant-b-key-0123456789";
    public const string TenantA = "tenant-a";
    public const string TenantB = "tenant-b";
    public const string Instance = "gateway";
    public const string Agent = "planner";
    public const string Model = "openai/gpt-4o";
    public const string Tool = "search_flights";
    public const string AgentB = "tenant-b-only-agent";
    public const string ModelB = "mistral-tenant-b-only";

    /// <summary>Enough deployments that the inventory holds more rows than fit on screen.</summary>
    public const int Deployments = 150;

    private LiteLlmProxyFake? _proxy;

    public AppProcess App { get; private set; } = null!;

    public Uri BaseAddress => App.BaseAddress;

    public async Task InitializeAsync()
    {
        _proxy = await LiteLlmProxyFake.StartAsync(Deployments);
        App = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("ui"),
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName(),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Api__Keys"] = $"{AnyTenantKey};{KeyA}@{TenantA};{KeyB}@{TenantB}",
            ["Egress__AllowedNetworks"] = LoopbackAllowList.Value,
            ["Otlp__FlushInterval"] = "00:00:01",
            ["DISCOVERY_TICK"] = "*/2 * * * * *",
        });

        using HttpClient a = Client(KeyA);
        using (HttpResponseMessage created = await a.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["instance_id"] = Instance,
            ["display_name"] = "LiteLLM gateway",
            ["config"] = _proxy.Config(),
        }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage refresh = await a.PostAsync($"api/v1/instances/{Instance}/refresh?force=true", null))
        {
            // A tick may have claimed the new instance first (409); either way a scan runs.
            Assert.True(refresh.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, await refresh.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage traces = await a.PostAsync("v1/traces", OtlpTraces.AgentChain(Agent, "openai", "gpt-4o", Tool, "db.internal")))
        {
            Assert.True(traces.IsSuccessStatusCode, await traces.Content.ReadAsStringAsync());
        }

        using HttpClient b = Client(KeyB);
        using (HttpResponseMessage traces = await b.PostAsync("v1/traces", OtlpTraces.AgentChain(AgentB, "mistral", ModelB, "tenant-b-tool", "db-b.internal")))
        {
            Assert.True(traces.IsSuccessStatusCode, await traces.Content.ReadAsStringAsync());
        }

        // Ready when tenant-a's scan finished, its traces are in the inventory with their lineage, a finding is open, the change
        // log has events, and tenant-b's agent is in tenant-b: each a condition polled with a deadline, never a fixed wait.
        await UntilAsync(a, $"api/v1/instances/{Instance}/scans", s => s["scans"]!.AsArray().Any(r => (string?)r!["status"] != "running"), "the litellm scan to finish");
        JsonObject scans = (await a.GetFromJsonAsync<JsonObject>($"api/v1/instances/{Instance}/scans"))!;
        Assert.Contains(scans["scans"]!.AsArray(), r => (string?)r!["status"] == "succeeded");
        await UntilAsync(a, "api/v1/inventory?type=agent", p => p["items"]!.AsArray().Any(i => (string?)i!["id"] == Agent), "the traced agent");
        await UntilAsync(a, "api/v1/lineage?source_id=" + Agent, p => p["count"]!.GetValue<int>() >= 2, "the agent's lineage");
        await UntilAsync(a, "api/v1/findings?state=open", p => p["count"]!.GetValue<int>() > 0, "an open finding");
        // The change log is filled by the outbox relay after the writes: the overview's recent changes read it.
        await UntilAsync(a, "api/v1/changes?limit=1", p => p["events"]!.AsArray().Count > 0, "the change log's first events");
        await UntilAsync(b, "api/v1/inventory?type=agent", p => p["items"]!.AsArray().Any(i => (string?)i!["id"] == AgentB), "tenant-b's agent");
    }

    /// <summary>The asset id of the proxy's deployment i (the litellm plugin's {host}/model/{model_info.id}).</summary>
    public string DeploymentId(int i) => $"{_proxy!.Server.BaseAddress.Authority}/model/dep-{i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A client of the app's API with a key.</summary>
    public HttpClient Client(string key)
    {
        var client = new HttpClient { BaseAddress = App.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }

    /// <summary>Every item of a paged /api/v1/inventory listing.</summary>
    public async Task<List<JsonObject>> InventoryAsync(string key, string query = "")
    {
        using HttpClient client = Client(key);
        var items = new List<JsonObject>();
        string? token = null;
        do
        {
            string path = $"api/v1/inventory?limit=1000{query}" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token));
            JsonObject page = (await client.GetFromJsonAsync<JsonObject>(path))!;
            items.AddRange(page["items"]!.AsArray().Select(i => i!.AsObject()));
            token = (string?)page["continuationToken"];
        }
        while (token is not null);
        return items;
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }
    }

    private async Task UntilAsync(HttpClient client, string path, Func<JsonObject, bool> done, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonObject? last = null;
        while (!deadline.IsCancellationRequested)
        {
            using HttpResponseMessage response = await client.GetAsync(path, CancellationToken.None);
            if (response.IsSuccessStatusCode)
            {
                last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
                if (done(last))
                {
                    return;
                }
            }

            await Task.Delay(200, CancellationToken.None);
        }

        Assert.Fail($"Timed out waiting for {what}; last answer: {last?.ToJsonString()}\n{App.Output}");
    }
}

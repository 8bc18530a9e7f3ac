using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ServerlessDiscovery.Plugins.LiteLlm.Tests;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>
/// The Sources view on the real app: create an instance from its plugin type's form, run it and watch its progress to
/// the end, edit it without the secret ever coming back, webhooks, enable/disable, and problem details in the form.
/// The provider is the loopback LiteLLM proxy (LiteLLM proxy API: GET /model/info, /team/list; see FakeProxy), whose
/// /team/list a test holds open so the scan stands at two of its seven scopes while the page shows it. The tests work
/// in a tenant of their own, so the shared app's seeded tenants keep exactly their data.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SourcesTests(DashboardApp app, Chromium chromium)
{
    private const string Tenant = "tenant-sources";

    /// <summary>Once a year: the app's 2-second discovery tick never claims these instances, only Run now does.</summary>
    private const string Yearly = "0 0 0 1 1 *";

    [Fact]
    public async Task CreateFromForm_RunNow_ShowsLiveProgressToTheEnd_AndTheScanInHistory()
    {
        await using FakeProxy proxy = await StartProxyAsync();
        var teamsAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseTeams = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        proxy.Route("/team/list", async context =>
        {
            teamsAsked.TrySetResult();
            await releaseTeams.Task;
            await FakeProxy.WriteAsync(context, 200, "[]");
        });
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(CreateFromForm_RunNow_ShowsLiveProgressToTheEnd_AndTheScanInHistory));
        await tab.SignInAsync(DashboardApp.AnyTenantKey, Tenant);
        IPage page = tab.Page;

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Sources" }).ClickAsync();
        await tab.LoadedAsync("#sources-list");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add a source" }).ClickAsync();
        await page.GetByLabel("Plugin type").SelectOptionAsync("litellm");
        await page.GetByLabel("Instance id").FillAsync("ui-run");
        await page.GetByLabel("Schedule", new() { Exact = true }).FillAsync(Yearly);
        await page.GetByLabel("Proxy URL").FillAsync(proxy.Server.BaseAddress.ToString());
        await page.GetByLabel("Master key").FillAsync(FakeProxy.MasterKey);
        Assert.Equal("password", await page.GetByLabel("Master key").GetAttributeAsync("type"));
        await tab.ScreenshotAsync("form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create source" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "ui-run", Level = 1 }).WaitForAsync();
        await tab.LoadedAsync("#scan-history");

        // Run now from the keyboard; the scan stops at the teams scope until the test lets it go.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await teamsAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        ILocator progress = page.Locator("#scan-progress-text");
        await Assertions.Expect(progress).ToContainTextAsync("running: 2 of 7 scopes, 4 assets", new() { Timeout = 30_000 });
        ILocator bar = page.Locator("#scan-progress-bar");
        Assert.Equal(("2", "7"), (await bar.EvaluateAsync<string>("b => String(b.value)"), await bar.EvaluateAsync<string>("b => String(b.max)")));
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).IsDisabledAsync());
        await tab.ScreenshotAsync("running");

        releaseTeams.SetResult();
        await Assertions.Expect(progress).ToContainTextAsync("succeeded: 7 of 7 scopes, 4 assets", new() { Timeout = 30_000 });
        await tab.LoadedAsync("#scan-history");
        ILocator newest = page.Locator("#scan-history tbody tr").First;
        await Assertions.Expect(newest).ToContainTextAsync("succeeded");
        await Assertions.Expect(newest).ToContainTextAsync("refresh");
        string runId = await newest.Locator("code").InnerTextAsync();
        Assert.Contains(runId, await progress.InnerTextAsync(), StringComparison.Ordinal);
        Assert.False(await page.GetByRole(AriaRole.Button, new() { Name = "Run now" }).IsDisabledAsync());
        await Assertions.Expect(page.Locator("#source-message")).ToContainTextAsync("ended: succeeded");
        await tab.ScreenshotAsync("finished");

        // The page showed what the API holds.
        using HttpClient api = Client();
        JsonObject run = (await api.GetFromJsonAsync<JsonObject>($"api/v1/instances/ui-run/scans/{runId}"))!;
        Assert.Equal("succeeded", (string?)run["status"]);
        Assert.Equal(4, (int)run["counts"]!["discovered"]!);
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task EditForm_NeverShowsTheSecret_AndABlankSecretKeepsTheStoredOne()
    {
        await using FakeProxy proxy = await StartProxyAsync();
        await CreateAsync("ui-edit", proxy);
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(EditForm_NeverShowsTheSecret_AndABlankSecretKeepsTheStoredOne));
        await tab.SignInAsync(DashboardApp.AnyTenantKey, Tenant);
        IPage page = tab.Page;

        await tab.GoAsync("#/sources/ui-edit/edit");
        ILocator secret = page.GetByLabel("Master key");
        await secret.WaitForAsync();
        Assert.Equal(string.Empty, await secret.InputValueAsync());
        Assert.Equal("password", await secret.GetAttributeAsync("type"));
        Assert.True(await secret.IsEditableAsync());
        Assert.Contains("Leave blank to keep it", await page.Locator("#config-master_key-hint").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(proxy.Server.BaseAddress.ToString(), await page.GetByLabel("Proxy URL").InputValueAsync());
        Assert.DoesNotContain(FakeProxy.MasterKey, await page.ContentAsync(), StringComparison.Ordinal);
        await tab.ScreenshotAsync("edit");

        await page.GetByLabel("Display name").FillAsync("Edited gateway");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Edited gateway (ui-edit)", Level = 1 }).WaitForAsync();
        Assert.DoesNotContain(FakeProxy.MasterKey, await page.ContentAsync(), StringComparison.Ordinal);

        // The proxy refuses any other key with 401: the connection working proves the stored key was kept.
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify connection" }).ClickAsync();
        await Assertions.Expect(page.Locator("#source-message")).ToHaveTextAsync("The connection works.");
        Assert.Contains(proxy.Server.Requests, r => r.Path == "/model/info" && r.Headers.GetValueOrDefault("Authorization") == "Bearer " + FakeProxy.MasterKey);
        await tab.ScreenshotAsync("verified");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task CreateForm_MissingRequiredSecret_ShowsTheProblemAtTheField()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(CreateForm_MissingRequiredSecret_ShowsTheProblemAtTheField));
        await tab.SignInAsync(DashboardApp.AnyTenantKey, Tenant);
        IPage page = tab.Page;

        await tab.GoAsync("#/sources/new?type=litellm");
        await page.GetByLabel("Proxy URL").FillAsync("https://litellm.example.com/");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create source" }).ClickAsync();

        await Assertions.Expect(page.Locator("#form-message")).ToContainTextAsync("Invalid request");
        await Assertions.Expect(page.Locator("#config-master_key-error")).Not.ToBeEmptyAsync();
        Assert.Equal("true", await page.GetByLabel("Master key").GetAttributeAsync("aria-invalid"));
        await tab.ScreenshotAsync("problem");
        tab.AssertNoConsoleErrors(400);
    }

    [Fact]
    public async Task Webhooks_SubscribeAndUnsubscribe_AndDisableEnable()
    {
        await using FakeProxy proxy = await StartProxyAsync();
        await using LoopbackServer receiver = await LoopbackServer.StartAsync((context, _) => Task.CompletedTask);
        await CreateAsync("ui-hooks", proxy);
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Webhooks_SubscribeAndUnsubscribe_AndDisableEnable));
        await tab.SignInAsync(DashboardApp.AnyTenantKey, Tenant);
        IPage page = tab.Page;
        await tab.GoAsync("#/sources/ui-hooks");
        await tab.LoadedAsync("#webhook-list");
        Assert.True(await page.Locator("#scan-progress").IsHiddenAsync(), "No scan runs: no progress is shown.");

        string url = new Uri(receiver.BaseAddress, "hook").ToString();
        await page.GetByLabel("URL", new() { Exact = true }).FillAsync(url);
        await page.GetByLabel("Events", new() { Exact = false }).FillAsync("ServerlessDiscovery.Scan.*");
        await page.GetByRole(AriaRole.Button, new() { Name = "Subscribe", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#webhook-message")).ToContainTextAsync("signing secret, shown this once");
        await Assertions.Expect(page.Locator("#webhook-list tbody")).ToContainTextAsync(url);
        await Assertions.Expect(page.Locator("#webhook-list tbody")).ToContainTextAsync("ServerlessDiscovery.Scan.*");
        await tab.ScreenshotAsync("subscribed");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Unsubscribe {url}" }).ClickAsync();
        await Assertions.Expect(page.Locator("#webhook-list")).ToContainTextAsync("No webhooks.");

        await page.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Enable" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#source-message")).ToContainTextAsync("Disabled");
        using HttpClient api = Client();
        Assert.False((bool)(await api.GetFromJsonAsync<JsonObject>("api/v1/instances/ui-hooks"))!["instance"]!["enabled"]!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Disable" })).ToBeVisibleAsync();
        Assert.True((bool)(await api.GetFromJsonAsync<JsonObject>("api/v1/instances/ui-hooks"))!["instance"]!["enabled"]!);
        await tab.ScreenshotAsync("enabled");
        tab.AssertNoConsoleErrors();
    }

    private static async Task<FakeProxy> StartProxyAsync()
    {
        FakeProxy proxy = await FakeProxy.StartAsync();
        proxy.Json("/model/info", """
            {"data":[
              {"model_name":"src-gpt","litellm_params":{"model":"openai/gpt-4o-mini"},"model_info":{"id":"s1"}},
              {"model_name":"src-claude","litellm_params":{"model":"anthropic/claude-haiku-4-5"},"model_info":{"id":"s2"}}
            ]}
            """);
        return proxy;
    }

    private async Task CreateAsync(string id, FakeProxy proxy)
    {
        using HttpClient api = Client();
        using HttpResponseMessage created = await api.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["instance_id"] = id,
            ["schedule"] = Yearly,
            ["config"] = new JsonObject { ["proxy_url"] = proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
    }

    private HttpClient Client()
    {
        HttpClient client = app.Client(DashboardApp.AnyTenantKey);
        client.DefaultRequestHeaders.Add("X-Tenant-Id", Tenant);
        return client;
    }
}

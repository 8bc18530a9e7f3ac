using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The findings view over GET /api/v1/findings and the BOM download over GET /api/v1/bom.</summary>
[Collection(DashboardCollection.Name)]
public sealed class FindingsAndBomTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task Findings_ListsTheOpenFindingsTheApiHas_LinkingTheirAssets()
    {
        using HttpClient api = app.Client(DashboardApp.KeyA);
        JsonArray open = (await api.GetFromJsonAsync<JsonObject>("api/v1/findings?state=open"))!["findings"]!.AsArray();
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Findings_ListsTheOpenFindingsTheApiHas_LinkingTheirAssets));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Findings" }).ClickAsync();
        await tab.LoadedAsync("#findings-list");

        ILocator rows = tab.Page.Locator("#findings-list tbody tr");
        Assert.Equal(open.Count, await rows.CountAsync());
        foreach (JsonNode? finding in open)
        {
            string subject = $"{finding!["subject"]!["type"]}/{finding["subject"]!["id"]}";
            await Assertions.Expect(rows.Filter(new() { HasText = subject }).First).ToContainTextAsync((string)finding["kind"]!);
        }

        await tab.Page.GetByLabel("Kind").SelectOptionAsync("unused");
        await tab.LoadedAsync("#findings-list");
        int unused = (await api.GetFromJsonAsync<JsonObject>("api/v1/findings?state=open&kind=unused"))!["count"]!.GetValue<int>();
        Assert.Equal(unused, await tab.Page.Locator("#findings-list tbody tr").CountAsync());
        await tab.ScreenshotAsync("findings");
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Bom_DownloadsTheTenantsCycloneDxDocument_AndAnAgentsWithItsDependencies()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Bom_DownloadsTheTenantsCycloneDxDocument_AndAnAgentsWithItsDependencies));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "BOM" }).ClickAsync();

        JsonObject tenant = await DownloadAsync(tab.Page);
        Assert.Equal("CycloneDX", (string?)tenant["bomFormat"]);
        Assert.Equal("1.7", (string?)tenant["specVersion"]);
        Assert.Contains(tenant["components"]!.AsArray(), c => (string?)c!["bom-ref"] == DashboardApp.Agent || ((string?)c!["name"])?.Contains(DashboardApp.Agent, StringComparison.Ordinal) == true);

        await tab.Page.GetByLabel("Scope").SelectOptionAsync("agent");
        await tab.Page.GetByLabel("Instance or agent id").FillAsync(DashboardApp.Agent);
        await tab.Page.GetByLabel("Specification").SelectOptionAsync("1.6");
        JsonObject agent = await DownloadAsync(tab.Page);
        Assert.Equal("1.6", (string?)agent["specVersion"]);
        Assert.True(agent["components"]!.AsArray().Count < tenant["components"]!.AsArray().Count);

        // An agent the tenant does not have: the API's problem, shown.
        await tab.Page.GetByLabel("Instance or agent id").FillAsync(DashboardApp.AgentB);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync();
        await Assertions.Expect(tab.Page.Locator("#bom-status")).ToContainTextAsync($"No agent '{DashboardApp.AgentB}'");
        await tab.ScreenshotAsync("bom");
        tab.AssertNoConsoleErrors(404);
    }

    private static async Task<JsonObject> DownloadAsync(IPage page)
    {
        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync());
        string path = await download.PathAsync();
        Assert.EndsWith(".cdx.json", download.SuggestedFilename, StringComparison.Ordinal);
        return JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
    }
}

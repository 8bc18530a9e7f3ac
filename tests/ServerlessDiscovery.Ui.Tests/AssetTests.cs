using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>One asset: attributes with where each came from, its sources, observed use, version history and lineage.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AssetTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task Asset_OpenedFromTheInventory_ShowsAttributeSources_History_AndLineageNeighbourhood()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Asset_OpenedFromTheInventory_ShowsAttributeSources_History_AndLineageNeighbourhood));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.GoAsync("#/inventory?type=agent");
        await tab.LoadedAsync("#inventory-list");
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = DashboardApp.Agent, Exact = true }).ClickAsync();

        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = DashboardApp.Agent, Level = 1 }).WaitForAsync();
        await tab.LoadedAsync("main");
        Assert.EndsWith($"#/asset/agent/{DashboardApp.Agent}", tab.Page.Url, StringComparison.Ordinal);

        // Each attribute says where its value came from: a trace-derived agent's from traces.
        ILocator attributes = Section(tab.Page, "Attributes");
        Assert.True(await attributes.Locator("tbody tr").CountAsync() > 0);
        Assert.All(await attributes.Locator("tbody tr td:nth-child(3)").AllInnerTextsAsync(), s => Assert.Contains(s, new[] { "trace", "inferred" }));
        await Assertions.Expect(Section(tab.Page, "Sources that saw it")).ToContainTextAsync("otlp");
        await Assertions.Expect(tab.Page.Locator("#asset-observed")).ToContainTextAsync("Invocations");

        // History from the change log, lineage from the edges: the agent uses the model and the tool.
        await Assertions.Expect(tab.Page.Locator("#asset-history tbody tr").First).ToContainTextAsync("Created");
        await Assertions.Expect(tab.Page.Locator("#asset-uses")).ToContainTextAsync($"model/{DashboardApp.Model}");
        await Assertions.Expect(tab.Page.Locator("#asset-uses")).ToContainTextAsync($"tool/{DashboardApp.Tool}");
        string[] nodes = await tab.Page.Locator("#asset-graph").EvaluateAsync<string[]>("g => g.cy.nodes().map(n => n.id())");
        Assert.Contains($"agent|{DashboardApp.Agent}", nodes);
        Assert.Contains($"model|{DashboardApp.Model}", nodes);
        await tab.ScreenshotAsync("agent");

        // A neighbour's link opens that asset; a scanned one's attributes come from the scan.
        await tab.Page.Locator("#asset-uses").GetByRole(AriaRole.Link, new() { Name = $"tool/{DashboardApp.Tool}" }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = DashboardApp.Tool, Level = 1 }).WaitForAsync();
        await tab.GoAsync("#/asset/deployment/" + Uri.EscapeDataString(app.DeploymentId(0)));
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "gateway-0000", Level = 1 }).WaitForAsync();
        await tab.LoadedAsync("main");
        Assert.All(await Section(tab.Page, "Attributes").Locator("tbody tr td:nth-child(3)").AllInnerTextsAsync(), s => Assert.Equal("scan", s));
        await Assertions.Expect(Section(tab.Page, "Sources that saw it")).ToContainTextAsync(DashboardApp.Instance);
        await tab.ScreenshotAsync("deployment");
        tab.AssertNoConsoleErrors();
    }

    private static ILocator Section(IPage page, string heading) =>
        page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true }) });
}

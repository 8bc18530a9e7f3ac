using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The inventory table over GET /api/v1/inventory: every asset, filters, search, sorting, only visible rows in the DOM.</summary>
[Collection(DashboardCollection.Name)]
public sealed class InventoryTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task Inventory_FilterSearchAndSort_ShowWhatTheApiAnswers_RenderingOnlyVisibleRows()
    {
        List<JsonObject> all = await app.InventoryAsync(DashboardApp.KeyA);
        List<JsonObject> deployments = await app.InventoryAsync(DashboardApp.KeyA, "&type=deployment");
        List<JsonObject> searched = await app.InventoryAsync(DashboardApp.KeyA, "&type=deployment&q=gateway-012");
        Assert.True(deployments.Count >= DashboardApp.Deployments);
        Assert.NotEmpty(searched);
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Inventory_FilterSearchAndSort_ShowWhatTheApiAnswers_RenderingOnlyVisibleRows));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.Page.GetByRole(AriaRole.Link, new() { Name = "Inventory" }).ClickAsync();
        await tab.LoadedAsync("#inventory-list");

        ILocator status = tab.Page.Locator("#inventory-status");
        Assert.Equal(Count(all), await status.GetAttributeAsync("data-count"));
        int inDom = await tab.Page.Locator(".vrow").CountAsync();
        Assert.True(inDom > 0 && inDom < all.Count, $"{inDom} rows in the DOM for {all.Count} assets: the list should hold only those in sight.");

        // Scrolled to the end, the last row is drawn.
        await tab.Page.Locator("#inventory-list").EvaluateAsync("l => { l.scrollTop = l.scrollHeight; }");
        await tab.Page.Locator($".vrow[aria-rowindex='{all.Count + 1}']").WaitForAsync();

        await tab.Page.GetByLabel("Type").SelectOptionAsync("deployment");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-count", Count(deployments));
        Assert.Contains("type=deployment", tab.Page.Url, StringComparison.Ordinal);

        await tab.Page.GetByLabel("Search").FillAsync("gateway-012");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-count", Count(searched));
        IReadOnlyList<string> names = await tab.Page.Locator(".vrow > div:first-child").AllInnerTextsAsync();
        Assert.Equal(searched.Count, names.Count);
        Assert.All(names, n => Assert.Contains("gateway-012", n, StringComparison.Ordinal));

        // Sorting by name, then reversed.
        string[] expected = [.. searched.Select(a => (string)a["name"]!).Order(StringComparer.OrdinalIgnoreCase)];
        Assert.Equal(expected, await tab.Page.Locator(".vrow > div:first-child").AllInnerTextsAsync());
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Name" }).ClickAsync();
        Assert.Equal(expected.Reverse(), await tab.Page.Locator(".vrow > div:first-child").AllInnerTextsAsync());
        Assert.Equal("descending", await tab.Page.Locator("[role=columnheader]").First.GetAttributeAsync("aria-sort"));
        await tab.ScreenshotAsync("filtered");

        // A state filter with nothing in it says so.
        await tab.Page.GetByLabel("State").SelectOptionAsync("deleted");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-count", "0");
        tab.AssertNoConsoleErrors();
    }

    private static string Count(List<JsonObject> items) => items.Count.ToString(CultureInfo.InvariantCulture);
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The overview's numbers are the API's: counts by type, source and provenance, open findings, last scans, changes.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task Overview_CountsByTypeSourceAndProvenance_OpenFindings_AndLastScans_MatchTheApi()
    {
        List<JsonObject> assets = await app.InventoryAsync(DashboardApp.KeyA);
        using HttpClient api = app.Client(DashboardApp.KeyA);
        JsonObject findings = (await api.GetFromJsonAsync<JsonObject>("api/v1/findings?state=open"))!;
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Overview_CountsByTypeSourceAndProvenance_OpenFindings_AndLastScans_MatchTheApi));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.LoadedAsync("main");

        Assert.Equal(assets.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await tab.Page.Locator("#total-assets").GetAttributeAsync("data-count"));
        await AssertCountsAsync(tab.Page, "#by-type", "type", assets.GroupBy(a => (string)a["type"]!));
        await AssertCountsAsync(tab.Page, "#by-source", "instance", assets.GroupBy(a => (string)a["instance"]!));
        await AssertCountsAsync(tab.Page, "#by-provenance", "provenance", assets.GroupBy(a => (string)a["provenance"]!));
        Assert.Equal(findings["count"]!.ToString(), await tab.Page.Locator("#open-findings-total").GetAttributeAsync("data-count"));

        ILocator scans = tab.Page.Locator("section", new() { Has = tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Last scans" }) });
        ILocator gateway = scans.Locator("tr", new() { HasText = DashboardApp.Instance });
        await Assertions.Expect(gateway).ToContainTextAsync("succeeded");
        ILocator changes = tab.Page.Locator("section", new() { Has = tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Recent changes" }) });
        Assert.True(await changes.Locator("tbody tr").CountAsync() > 0);
        await tab.ScreenshotAsync("overview");
        tab.AssertNoConsoleErrors();
    }

    private static async Task AssertCountsAsync(IPage page, string list, string kind, IEnumerable<IGrouping<string, JsonObject>> expected)
    {
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ILocator item in await page.Locator($"{list} li[data-{kind}]").AllAsync())
        {
            shown[(await item.GetAttributeAsync($"data-{kind}"))!] = (await item.GetAttributeAsync("data-count"))!;
        }

        Assert.Equal(
            expected.ToDictionary(g => g.Key, g => g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal).OrderBy(p => p.Key, StringComparer.Ordinal),
            shown.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}

using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>A key bound to a tenant sees that tenant only, in every view.</summary>
[Collection(DashboardCollection.Name)]
public sealed class TenantIsolationTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task TenantBoundKey_NeverShowsTheOtherTenantsAssets()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(TenantBoundKey_NeverShowsTheOtherTenantsAssets));
        await tab.SignInAsync(DashboardApp.KeyA);
        await tab.LoadedAsync("main");
        Assert.DoesNotContain(DashboardApp.AgentB, await tab.Page.ContentAsync(), StringComparison.Ordinal);

        await tab.GoAsync("#/inventory?q=tenant-b");
        await tab.LoadedAsync("#inventory-list");
        Assert.Equal("0", await tab.Page.Locator("#inventory-status").GetAttributeAsync("data-count"));

        await tab.GoAsync("#/lineage");
        await tab.LoadedAsync("#lineage-graph");
        string[] nodes = await tab.Page.Locator("#lineage-graph").EvaluateAsync<string[]>("g => g.cy.nodes().map(n => n.id())");
        Assert.Contains($"agent|{DashboardApp.Agent}", nodes);
        Assert.DoesNotContain(nodes, n => n.Contains("tenant-b", StringComparison.Ordinal) || n.Contains(DashboardApp.ModelB, StringComparison.Ordinal));

        await tab.GoAsync($"#/asset/agent/{DashboardApp.AgentB}");
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Asset not found" }).WaitForAsync();
        await tab.ScreenshotAsync("not-found");
        tab.AssertNoConsoleErrors(404);

        // The other tenant's own key does see it: the filter above is the tenancy, not an empty store.
        List<System.Text.Json.Nodes.JsonObject> tenantB = await app.InventoryAsync(DashboardApp.KeyB, "&q=tenant-b");
        Assert.Contains(tenantB, a => (string?)a["id"] == DashboardApp.AgentB);
        await using DashboardPage other = await chromium.OpenAsync(app.BaseAddress, nameof(TenantBoundKey_NeverShowsTheOtherTenantsAssets) + "-b");
        await other.SignInAsync(DashboardApp.KeyB);
        await other.GoAsync("#/inventory?q=tenant-b");
        await other.LoadedAsync("#inventory-list");
        Assert.Equal(tenantB.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await other.Page.Locator("#inventory-status").GetAttributeAsync("data-count"));
        await other.Page.Locator($".vrow[data-id='{DashboardApp.AgentB}']").WaitForAsync();
        await other.ScreenshotAsync("tenant-b");
        other.AssertNoConsoleErrors();
    }
}

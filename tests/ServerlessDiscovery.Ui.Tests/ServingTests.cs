using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>The page itself: its CSP header, no console error in any view, light and dark, keyboard navigation.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ServingTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task EveryView_UnderTheStrictCsp_LogsNoConsoleError()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(EveryView_UnderTheStrictCsp_LogsNoConsoleError));
        IResponse response = await tab.OpenAsync();
        string csp = (await response.HeaderValueAsync("content-security-policy"))!;
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);

        await tab.SignInAsync(DashboardApp.KeyA);
        foreach (string view in new[] { "Overview", "Inventory", "Lineage", "Findings", "BOM" })
        {
            await tab.Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = view, Exact = true }).ClickAsync();
            await tab.LoadedAsync("main");
            Assert.Equal("page", await tab.Page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = view, Exact = true }).GetAttributeAsync("aria-current"));
        }

        // Cytoscape drew without its inline <style> (the CSP would refuse it, and say so in the console).
        Assert.Equal(0, await tab.Page.Locator("style").CountAsync());
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task Theme_FollowsTheSystemUntilToggled_AndTheKeyboardReachesEveryView()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(Theme_FollowsTheSystemUntilToggled_AndTheKeyboardReachesEveryView));
        await tab.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await tab.SignInAsync(DashboardApp.KeyA);
        Assert.Equal("dark", await tab.Page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));

        ILocator toggle = tab.Page.GetByRole(AriaRole.Button, new() { Name = "Light theme" });
        await toggle.ClickAsync();
        Assert.Equal("light", await tab.Page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
        await tab.Page.ReloadAsync();
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 }).WaitForAsync();
        Assert.Equal("light", await tab.Page.EvaluateAsync<string>("() => document.documentElement.dataset.theme"));
        await tab.ScreenshotAsync("light");

        // From the product name, Tab walks the menu in order and Enter opens a view.
        await tab.Page.Locator(".brand").FocusAsync();
        await tab.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Overview", await tab.Page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await tab.Page.Keyboard.PressAsync("Tab");
        Assert.Equal("Inventory", await tab.Page.EvaluateAsync<string>("() => document.activeElement.textContent"));
        await tab.Page.Keyboard.PressAsync("Enter");
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Inventory", Level = 1 }).WaitForAsync();
        await tab.Page.GetByLabel("Search").FocusAsync();
        await tab.ScreenshotAsync("keyboard");
        tab.AssertNoConsoleErrors();
    }
}

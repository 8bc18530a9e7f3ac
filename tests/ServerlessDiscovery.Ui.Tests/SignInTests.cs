using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>Signing in with the API key a script uses: accepted, refused with a message, bound to its tenant, signed out, revoked mid-session.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardApp app, Chromium chromium)
{
    [Fact]
    public async Task SignIn_WithTheKey_OpensTheOverview_AndSignOutAsksAgain()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(SignIn_WithTheKey_OpensTheOverview_AndSignOutAsksAgain));
        IResponse response = await tab.OpenAsync();
        Assert.EndsWith("/ui/", response.Url, StringComparison.Ordinal);
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).WaitForAsync();
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('sd.apiKey')"));

        await tab.SignInAsync(DashboardApp.KeyA);
        Assert.Equal(DashboardApp.KeyA, await tab.Page.EvaluateAsync<string>("() => sessionStorage.getItem('sd.apiKey')"));
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => localStorage.getItem('sd.apiKey')"));
        await tab.ScreenshotAsync("overview");

        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" }).WaitForAsync();
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('sd.apiKey')"));
        tab.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task WrongKey_IsRefusedWithAMessage_AndNothingIsShown()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(WrongKey_IsRefusedWithAMessage_AndNothingIsShown));
        await tab.OpenAsync();
        await tab.Page.GetByLabel("API key").FillAsync("not-the-right-key-0123456789");
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        ILocator message = tab.Page.Locator("#signin-message");
        await Assertions.Expect(message).ToContainTextAsync("That key was refused");
        await Assertions.Expect(message).ToContainTextAsync("The API key is not valid.");
        Assert.True(await tab.Page.Locator("#nav").IsHiddenAsync());
        Assert.Null(await tab.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('sd.apiKey')"));
        await tab.ScreenshotAsync("refused");
        tab.AssertNoConsoleErrors(401);
    }

    [Fact]
    public async Task TenantBoundKey_AskingForAnotherTenant_IsRefusedWithAMessage()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(TenantBoundKey_AskingForAnotherTenant_IsRefusedWithAMessage));
        await tab.OpenAsync();
        await tab.Page.GetByLabel("API key").FillAsync(DashboardApp.KeyA);
        await tab.Page.GetByLabel("Tenant", new() { Exact = false }).FillAsync(DashboardApp.TenantB);
        await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(tab.Page.Locator("#signin-message")).ToContainTextAsync("bound to another tenant");
        await tab.ScreenshotAsync("other-tenant");
        tab.AssertNoConsoleErrors(401, 403);
    }

    [Fact]
    public async Task KeyRevokedMidSession_NextViewAsksForAKeyWithTheReason()
    {
        await using DashboardPage tab = await chromium.OpenAsync(app.BaseAddress, nameof(KeyRevokedMidSession_NextViewAsksForAKeyWithTheReason));
        await tab.SignInAsync(DashboardApp.KeyA);

        // As if the operator removed the key from Api__Keys: the next call is answered 401.
        await tab.Page.EvaluateAsync("() => sessionStorage.setItem('sd.apiKey', 'a-key-that-was-removed-0123456789')");
        await tab.GoAsync("#/findings");

        await Assertions.Expect(tab.Page.Locator("#signin-message")).ToContainTextAsync("The API refused the key");
        await tab.ScreenshotAsync("revoked");
        tab.AssertNoConsoleErrors(401);
    }
}

using Microsoft.Playwright;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>Standalone without Api__Keys (listening on loopback only, as the API allows): the dashboard needs no key either.</summary>
[Collection(DashboardCollection.Name)]
public sealed class OpenLoopbackTests(Chromium chromium)
{
    [Fact]
    public async Task NoKeysConfigured_OnLoopback_OpensWithoutSigningIn()
    {
        await using AppProcess open = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("uiopen"),
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName(),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        });
        await using DashboardPage tab = await chromium.OpenAsync(open.BaseAddress, nameof(NoKeysConfigured_OnLoopback_OpensWithoutSigningIn));
        await tab.OpenAsync();

        await tab.Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 }).WaitForAsync();
        await Assertions.Expect(tab.Page.Locator("#who")).ToHaveTextAsync("No key needed (loopback)");
        Assert.True(await tab.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).IsHiddenAsync());
        await tab.LoadedAsync("main");
        Assert.Equal("0", await tab.Page.Locator("#total-assets").GetAttributeAsync("data-count"));
        await tab.ScreenshotAsync("open");
        tab.AssertNoConsoleErrors();
    }
}

using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>
/// Debian's chromium (/usr/bin/chromium; scripts/test.sh installs it) driven by Playwright, one browser per test
/// collection. Playwright's own browser download cannot work here, so it launches that executable, with the flags that
/// keep it off the network it cannot reach; each launch gets a fresh temporary user-data-dir from Playwright, and each
/// page its own browser context (no shared storage between tests).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"{ExecutablePath} is missing: scripts/test.sh installs it (apt-get install -y chromium).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A new page in a fresh context, recording the console errors and page errors it sees.</summary>
    public async Task<DashboardPage> OpenAsync(Uri baseAddress, string test)
    {
        IBrowserContext context = await Browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 }, AcceptDownloads = true });
        IPage page = await context.NewPageAsync();
        return new DashboardPage(context, page, test);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

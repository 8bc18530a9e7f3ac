using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ServerlessDiscovery.Ui.Tests;

/// <summary>One dashboard tab: sign-in, navigation, a screenshot per test, and the console errors it logged.</summary>
public sealed partial class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];
    private readonly string _test;

    internal DashboardPage(IBrowserContext context, IPage page, string test)
    {
        _context = context;
        Page = page;
        _test = test;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (_errors)
                {
                    _errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
            {
                _errors.Add("page error: " + error);
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Where each test's screenshot goes: the test output folder.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    /// <summary>Opens the app's root (which redirects to /ui/) and answers the main response.</summary>
    public async Task<IResponse> OpenAsync()
    {
        IResponse? response = await Page.GotoAsync("/");
        Assert.NotNull(response);
        return response;
    }

    /// <summary>Opens the dashboard and signs in with the key (and tenant), then waits for the overview.</summary>
    public async Task SignInAsync(string key, string? tenant = null)
    {
        await OpenAsync();
        await Page.GetByLabel("API key").FillAsync(key);
        if (tenant is not null)
        {
            await Page.GetByLabel("Tenant", new() { Exact = false }).FillAsync(tenant);
        }

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 }).WaitForAsync();

        // The page's first call on each load, made before it had a key, was answered 401 (that is how it knew to ask for
        // one), and the browser logs that; nothing else may have been logged.
        lock (_errors)
        {
            Assert.NotEmpty(_errors);
            Assert.All(_errors, e => Assert.StartsWith("Failed to load resource: the server responded with a status of 401", e, StringComparison.Ordinal));
            _errors.Clear();
        }
    }

    /// <summary>Goes to a view by its hash route (#/inventory?type=model) the way a link does.</summary>
    public Task GoAsync(string hash) => Page.EvaluateAsync("h => { location.hash = h; }", hash);

    /// <summary>Waits until no element under the selector is still loading (data-loading).</summary>
    public Task LoadedAsync(string selector) =>
        Page.WaitForFunctionAsync("s => { const e = document.querySelector(s); return e !== null && !e.hasAttribute('data-loading') && e.querySelector('[data-loading]') === null; }", selector);

    /// <summary>Saves a screenshot of the view under test to <see cref="ScreenshotFolder"/>.</summary>
    public async Task ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        await Page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, $"{_test}-{name}.png"), FullPage = true });
    }

    /// <summary>
    /// Fails on any console error or uncaught exception (a CSP violation is one), except the browser's own line for a
    /// response with one of <paramref name="expectedStatuses"/> that the test provoked.
    /// </summary>
    public void AssertNoConsoleErrors(params int[] expectedStatuses)
    {
        string[] errors;
        lock (_errors)
        {
            errors = [.. _errors.Where(e => !(FailedResource().Match(e) is { Success: true } m && expectedStatuses.Contains(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))))];
        }

        Assert.True(errors.Length == 0, "Console errors:\n" + string.Join("\n", errors));
    }

    public async ValueTask DisposeAsync()
    {
        await _context.CloseAsync();
    }

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (\d{3})")]
    private static partial Regex FailedResource();
}

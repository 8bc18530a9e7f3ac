using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Benchmarks;

/// <summary>
/// The dashboard with an N-deployment estate (default 10,000, from a litellm scan of a loopback LiteLLM proxy, into the
/// real built app on Azurite), in Debian's chromium: time to a usable overview and inventory, cold (a fresh browser
/// context, nothing cached) and warm (reloaded in the same context, files revalidated by ETag); the inventory's frame
/// times while scrolling; the API calls each view makes; the gzipped size of the shipped files.
/// </summary>
internal static class UiLoadBenchmark
{
    private const string Key = "bench-ui-key-0123456789abcdef";
    private const string Instance = "gateway";

    public static async Task<int> RunAsync(string[] args)
    {
        int deployments = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        ShippedSizes();

        await using LiteLlmProxyFake proxy = await LiteLlmProxyFake.StartAsync(deployments);
        await using AppProcess app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("bui"),
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName(),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Api__Keys"] = Key,
            ["Egress__AllowedNetworks"] = LoopbackAllowList.Value,
        });
        int assets = await SeedAsync(app, proxy);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        Console.WriteLine();
        Console.WriteLine($"{"view, load",-24} {"first data ms",14} {"usable ms",10} {"API calls",10} {"API bytes",12}");
        foreach (string view in new[] { "overview", "inventory" })
        {
            await using IBrowserContext context = await NewContextAsync(browser, app.BaseAddress);
            IPage page = await context.NewPageAsync();
            await MeasureAsync(page, view, "cold", () => page.GotoAsync($"/ui/#/{view}"));
            await MeasureAsync(page, view, "warm", () => page.ReloadAsync());
            if (view == "inventory")
            {
                await ScrollAsync(page, assets);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"view (warm)",-24} {"API calls",10} {"API bytes",12} {"loaded ms",10}");
        await using (IBrowserContext context = await NewContextAsync(browser, app.BaseAddress))
        {
            IPage page = await context.NewPageAsync();
            await page.GotoAsync("/ui/#/findings");
            await LoadedAsync(page, "main");
            foreach ((string name, string hash) in new[]
            {
                ("overview", "#/overview"), ("inventory", "#/inventory"), ("asset (a deployment)", "#/asset/deployment/" + Uri.EscapeDataString($"{proxy.Server.BaseAddress.Authority}/model/dep-00000")),
                ("lineage", "#/lineage"), ("findings", "#/findings"), ("bom (before download)", "#/bom"),
            })
            {
                (int calls, long bytes, double ms) = await CountCallsAsync(page, () => page.EvaluateAsync("h => { location.hash = h; }", hash), "main");
                Console.WriteLine($"{name,-24} {calls,10} {bytes,12:N0} {ms,10:0}");
            }
        }

        return 0;
    }

    private static async Task<int> SeedAsync(AppProcess app, LiteLlmProxyFake proxy)
    {
        using var client = new HttpClient { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        client.DefaultRequestHeaders.Add("x-api-key", Key);
        using (HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject { ["plugin_type"] = "litellm", ["instance_id"] = Instance, ["config"] = proxy.Config() }))
        {
            created.EnsureSuccessStatusCode();
        }

        Stopwatch scan = Stopwatch.StartNew();
        (await client.PostAsync($"api/v1/instances/{Instance}/refresh?force=true", null)).EnsureSuccessStatusCode();
        while (true)
        {
            JsonObject scans = (await client.GetFromJsonAsync<JsonObject>($"api/v1/instances/{Instance}/scans"))!;
            if (scans["scans"]!.AsArray().FirstOrDefault(s => (string?)s!["status"] != "running") is { } done)
            {
                Console.WriteLine($"seed: litellm scan of {proxy.Deployments:N0} deployments {(string?)done["status"]} in {scan.Elapsed.TotalSeconds:0.0} s");
                break;
            }

            await Task.Delay(250);
        }

        int count = 0;
        string? token = null;
        do
        {
            JsonObject page = (await client.GetFromJsonAsync<JsonObject>("api/v1/inventory?limit=1000" + (token is null ? string.Empty : "&continuationToken=" + Uri.EscapeDataString(token))))!;
            count += page["count"]!.GetValue<int>();
            token = (string?)page["continuationToken"];
        }
        while (token is not null);
        Console.WriteLine($"seed: {count:N0} assets in the inventory");
        return count;
    }

    private static async Task<IBrowserContext> NewContextAsync(IBrowser browser, Uri baseAddress)
    {
        IBrowserContext context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        // Signed in already, as after the sign-in form: the key in the tab's sessionStorage.
        await context.AddInitScriptAsync($"sessionStorage.setItem('sd.apiKey', '{Key}');");
        return context;
    }

    private static async Task MeasureAsync(IPage page, string view, string load, Func<Task> navigate)
    {
        string firstData = view == "overview" ? "#total-assets[data-count]:not([data-count='0'])" : ".vrow";
        string usable = view == "overview" ? "main" : "#inventory-list";
        var api = new ApiTraffic(page);
        Stopwatch clock = Stopwatch.StartNew();
        await navigate();
        await page.Locator(firstData).First.WaitForAsync(new() { Timeout = 300_000 });
        double first = clock.Elapsed.TotalMilliseconds;
        await LoadedAsync(page, usable);
        double ready = clock.Elapsed.TotalMilliseconds;
        await api.StopAsync();
        Console.WriteLine($"{view + ", " + load,-24} {first,14:0} {ready,10:0} {api.Calls,10} {api.Bytes,12:N0}");
    }

    private static async Task ScrollAsync(IPage page, int assets)
    {
        // 100 scroll steps of a screenful through the middle of the list, one per animation frame: the frame times.
        JsonObject frames = JsonNode.Parse(await page.EvaluateAsync<string>("""
            async () => {
              const list = document.getElementById('inventory-list');
              const times = [];
              let last = performance.now();
              for (let i = 0; i < 100; i++) {
                list.scrollTop += list.clientHeight;
                await new Promise(r => requestAnimationFrame(r));
                const now = performance.now();
                times.push(now - last);
                last = now;
              }
              times.sort((a, b) => a - b);
              return JSON.stringify({ median: times[50], p95: times[95], max: times[99], rows: document.querySelectorAll('.vrow').length });
            }
            """))!.AsObject();
        Console.WriteLine($"inventory scroll over {assets:N0} rows: frame median {(double)frames["median"]!:0.0} ms, p95 {(double)frames["p95"]!:0.0} ms, max {(double)frames["max"]!:0.0} ms; {(int)frames["rows"]!} rows in the DOM");
    }

    private static async Task<(int Calls, long Bytes, double Ms)> CountCallsAsync(IPage page, Func<Task> navigate, string selector)
    {
        // The view on screen loses its heading first, so the wait below sees the next view, not this one.
        await page.EvaluateAsync("() => document.querySelector('main h1')?.remove()");
        var api = new ApiTraffic(page);
        Stopwatch clock = Stopwatch.StartNew();
        await navigate();
        await LoadedAsync(page, selector);
        double ms = clock.Elapsed.TotalMilliseconds;
        await api.StopAsync();
        return (api.Calls, api.Bytes, ms);
    }

    private static async Task LoadedAsync(IPage page, string selector) =>
        await page.WaitForFunctionAsync(
            "s => { const e = document.querySelector(s); return document.querySelector('main h1') !== null && e !== null && !e.hasAttribute('data-loading') && e.querySelector('[data-loading]') === null; }",
            selector, new() { Timeout = 300_000, PollingInterval = 20 });

    private static void ShippedSizes()
    {
        string root = Path.Combine(RepoRoot.Path, "functions", "ServerlessDiscovery.Functions", "bin", "Release", "net10.0", "wwwroot", "ui");
        long raw = 0;
        long gzipped = 0;
        long vendorGzipped = 0;
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".txt", StringComparison.Ordinal)))
        {
            byte[] bytes = File.ReadAllBytes(file);
            using var buffer = new MemoryStream();
            using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            raw += bytes.Length;
            gzipped += buffer.Length;
            if (file.Contains($"{Path.DirectorySeparatorChar}vendor{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            {
                vendorGzipped += buffer.Length;
            }
        }

        Console.WriteLine($"shipped files (wwwroot/ui): {raw / 1024.0:0.0} KiB, gzipped {gzipped / 1024.0:0.0} KiB (cytoscape {vendorGzipped / 1024.0:0.0} KiB of it)");
    }

    /// <summary>Counts the API requests a page makes, and their response bytes, between creation and <see cref="StopAsync"/>.</summary>
    private sealed class ApiTraffic
    {
        private readonly IPage _page;
        private readonly List<Task<long>> _responses = [];

        public ApiTraffic(IPage page)
        {
            _page = page;
            _page.RequestFinished += OnFinished;
        }

        public int Calls { get; private set; }

        public long Bytes { get; private set; }

        public async Task StopAsync()
        {
            _page.RequestFinished -= OnFinished;
            Task<long>[] responses;
            lock (_responses)
            {
                responses = [.. _responses];
            }

            Calls = responses.Length;
            Bytes = (await Task.WhenAll(responses)).Sum();
        }

        private void OnFinished(object? sender, IRequest request)
        {
            if (request.Url.Contains("/api/v1/", StringComparison.Ordinal))
            {
                lock (_responses)
                {
                    _responses.Add(SizeAsync(request));
                }
            }
        }

        private static async Task<long> SizeAsync(IRequest request) => (await request.SizesAsync()).ResponseBodySize;
    }
}

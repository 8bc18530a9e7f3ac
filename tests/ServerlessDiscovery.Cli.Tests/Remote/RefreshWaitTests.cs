using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Cli.Remote;
using ServerlessDiscovery.Plugins.LiteLlm.Tests;
using ServerlessDiscovery.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace ServerlessDiscovery.Cli.Tests.Remote;

/// <summary>
/// `sd refresh --wait` following a scan's progress on the real app on Azurite. The source is the loopback LiteLLM
/// proxy (LiteLLM proxy API: GET /model/info, /team/list; see FakeProxy), whose /team/list the test holds open so
/// the scan stands at two of its seven scopes while sd is watching.
/// </summary>
public sealed class RefreshWaitTests : IAsyncLifetime
{
    private const string Key = "sd-refresh-key-0123456789abcdef";
    private readonly TaskCompletionSource _teamsAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseTeams = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeProxy _proxy = null!;
    private EngineApp _app = null!;

    private Dictionary<string, string> Environment => new() { ["SD_API_KEY"] = Key, ["SD_URL"] = _app.App.BaseAddress.ToString() };

    public async Task InitializeAsync()
    {
        _proxy = await FakeProxy.StartAsync();
        _proxy.Json("/model/info", """
            {"data":[
              {"model_name":"gpt-4o","litellm_params":{"model":"openai/gpt-4o"},"model_info":{"id":"d1"}},
              {"model_name":"claude","litellm_params":{"model":"anthropic/claude-sonnet-4-5"},"model_info":{"id":"d2"}}
            ]}
            """);
        _proxy.Route("/team/list", async context =>
        {
            _teamsAsked.TrySetResult();
            await _releaseTeams.Task;
            await FakeProxy.WriteAsync(context, 200, "[]");
        });
        _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = Key });
        using var client = new HttpClient { BaseAddress = _app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", Key);
        using HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "litellm",
            ["instance_id"] = "proxy1",
            ["config"] = new JsonObject { ["proxy_url"] = _proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async Task DisposeAsync()
    {
        _releaseTeams.TrySetResult();
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task RefreshWait_NotATerminal_PrintsALineEachTimeTheScanMoves_ThenTheSummary()
    {
        var stderr = new SignallingWriter("running, 2 of 7 scopes, 4 assets");
        IAnsiConsole error = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stderr), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No,
        });
        var stdout = new TestConsole().Width(400);
        var terminal = new SdTerminal(stdout, error, Environment, _ => null);

        Task<int> sd = SdApp.RunAsync(["refresh", "proxy1", "--wait", "--poll-interval", "00:00:00.05"], terminal, CancellationToken.None);
        await _teamsAsked.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stderr.Seen.WaitAsync(TimeSpan.FromSeconds(30));
        _releaseTeams.SetResult();
        int exit = await sd.WaitAsync(TimeSpan.FromSeconds(60));

        string[] lines = stderr.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exit == 0, stderr.Text + stdout.Output);
        Assert.Equal(lines.Length, lines.Distinct().Count());
        Assert.EndsWith("succeeded, 7 of 7 scopes, 4 assets", lines[^1], StringComparison.Ordinal);
        Assert.True(Array.FindIndex(lines, l => l.EndsWith("running, 2 of 7 scopes, 4 assets", StringComparison.Ordinal)) < lines.Length - 1);
        Assert.Matches(@"│ \S+\s+│ succeeded\s+│ refresh\s+│", stdout.Output);
    }

    [Fact]
    public async Task RefreshWait_OnATerminal_DrawsTheProgressToTheEnd()
    {
        _releaseTeams.SetResult();
        var stderr = new TestConsole().Width(400).Interactive();

        SdResult result = await SdRunner.RunAsync(Environment, new TestConsole().Width(400), stderr, CancellationToken.None, "refresh", "proxy1", "--wait", "--poll-interval", "00:00:00.05");

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Matches(@"Scan \S+: succeeded, 7 of 7 scopes, 4 assets.*100%", result.Stderr);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public async Task RefreshWait_BadPollInterval_IsRefusedBeforeAnyScan(string interval)
    {
        SdResult result = await SdRunner.RunAsync(Environment, "refresh", "proxy1", "--wait", "--poll-interval", interval);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--poll-interval must be between", result.All, StringComparison.Ordinal);
        Assert.False(_teamsAsked.Task.IsCompleted);
    }

    [Theory]
    [InlineData("""{"status":"running","progress":{"scopes_done":2,"scopes_total":7,"scopes_total_estimated":false,"assets":4}}""", "Scan r1: running, 2 of 7 scopes, 4 assets")]
    [InlineData("""{"status":"running","progress":{"scopes_done":1,"scopes_total":3,"scopes_total_estimated":true,"assets":0}}""", "Scan r1: running, 1 of ~3 scopes, 0 assets")]
    [InlineData("""{"status":"running","progress":{"scopes_done":5,"scopes_total":null,"scopes_total_estimated":false,"assets":9}}""", "Scan r1: running, 5 scopes, 9 assets")]
    public void Describe_ReadsTheRunsProgress(string run, string line) =>
        Assert.Equal(line, ScanRunWatcher.Describe("r1", JsonNode.Parse(run)!.AsObject()));
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;
using Spectre.Console;
using Spectre.Console.Testing;

namespace ServerlessDiscovery.Cli.Tests.Remote;

/// <summary>The remote commands against the real app on Azurite (and, for status codes the app cannot be made to answer, a loopback server).</summary>
public sealed class RemoteCommandsTests : IAsyncLifetime
{
    private const string Key = "sd-remote-key-0123456789abcdef";
    private EngineApp _app = null!;
    private FakeSource _source = null!;

    private Dictionary<string, string> Environment => new() { ["SD_API_KEY"] = Key, ["SD_URL"] = _app.App.BaseAddress.ToString() };

    public async Task InitializeAsync()
    {
        _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Api:Keys"] = Key, ["ChangeLog:Settle"] = "00:00:00" });
        _source = FakeSource.Create();
        _source.CompletedScopes.Add("s");
        _source.Put(AssetTypes.Model, "m1", "s", "m1", new JsonObject { ["framework"] = "onnx" });
        _source.Put(AssetTypes.Endpoint, "https://host/endpoints/e1", "s", "e1");
        _source.Edges.Add(new DiscoveredEdge(AssetTypes.Endpoint, "https://host/endpoints/e1", Relationships.Serves, AssetTypes.Model, "m1", "s"));
        using HttpClient client = KeyedClient();
        using HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = FakePluginType.TypeId,
            ["instance_id"] = "fake1",
            ["config"] = new JsonObject { ["source"] = _source.Name },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task RefreshWaitThenReadCommands_ShowTheScanAndWhatItFound()
    {
        SdResult refresh = await SdRunner.RunAsync(Environment, "refresh", "fake1", "--wait", "--poll-interval", "00:00:00.05");

        Assert.True(refresh.ExitCode == 0, refresh.All);
        Assert.Matches(@"│ \S+\s+│ succeeded\s+│ refresh\s+│", refresh.Stdout);
        Assert.Contains("│ s ", refresh.Stdout, StringComparison.Ordinal);

        SdResult instances = await SdRunner.RunAsync(Environment, "instances");
        Assert.Matches(@"│ fake1\s+│ test\.fake\s+│ true\s+│", instances.Stdout);

        SdResult assets = await SdRunner.RunAsync(Environment, "assets", "--json");
        Assert.Equal(0, assets.ExitCode);
        Assert.Equal(["endpoint:https://host/endpoints/e1", "model:m1"], JsonNode.Parse(assets.Stdout)!["items"]!.AsArray().Select(a => $"{a!["type"]}:{a["id"]}").Order());

        SdResult models = await SdRunner.RunAsync(Environment, "assets", "--type", "model");
        Assert.Matches(@"│ model\s+│ m1\s+│ m1\s+│ fake1\s+│ active\s+│ 1 ", models.Stdout);
        Assert.DoesNotContain("https://host/endpoints/e1", models.Stdout, StringComparison.Ordinal);

        SdResult asset = await SdRunner.RunAsync(Environment, "asset", "endpoint", "https://host/endpoints/e1");
        Assert.True(asset.ExitCode == 0, asset.All);
        Assert.Contains("Sources", asset.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"│ fake1\s+│ active\s+│ 1 ", asset.Stdout);

        SdResult lineage = await SdRunner.RunAsync(Environment, "lineage", "--json");
        JsonObject edge = Assert.Single(JsonNode.Parse(lineage.Stdout)!["relationships"]!.AsArray())!.AsObject();
        Assert.Equal(("https://host/endpoints/e1", "m1"), ((string)edge["source_id"]!, (string)edge["target_id"]!));

        SdResult scans = await SdRunner.RunAsync(Environment, "scans", "fake1", "--json");
        Assert.Equal("succeeded", (string?)Assert.Single(JsonNode.Parse(scans.Stdout)!["scans"]!.AsArray())!["status"]);

        SdResult changes = await SdRunner.RunAsync(Environment, "changes", "--json");
        Assert.Equal(0, changes.ExitCode);
        Assert.Equal(
            ["ServerlessDiscovery.Asset.Created", "ServerlessDiscovery.Asset.Created", "ServerlessDiscovery.Scan.Completed"],
            changes.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string)JsonNode.Parse(l)!["type"]!));
        Assert.Contains("Next: sd changes --cursor ", changes.Stderr, StringComparison.Ordinal);
        SdResult readable = await SdRunner.RunAsync(Environment, "changes", "--asset", "model/m1");
        Assert.Matches(@"Asset\.Created\s+assets/model/m1\s+/tenants/default/instances/fake1", readable.Stdout);
        Assert.DoesNotContain("assets/endpoint", readable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, refresh.All + instances.All + assets.All + asset.All + changes.All + readable.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BomAndFindings_ExportTheScannedEstateAndListFindings()
    {
        Assert.Equal(0, (await SdRunner.RunAsync(Environment, "refresh", "fake1", "--wait", "--poll-interval", "00:00:00.05")).ExitCode);
        string file = Path.Combine(Path.GetTempPath(), $"sd-bom-{Guid.NewGuid():N}.json");
        SdResult written;
        try
        {
            written = await SdRunner.RunAsync(Environment, "bom", "--out", file);
            Assert.True(written.ExitCode == 0, written.All);
            Assert.Contains("1 components, 1 services, version 1", written.Stderr, StringComparison.Ordinal);
            JsonObject bom = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            Assert.Equal(("CycloneDX", "1.7"), ((string)bom["bomFormat"]!, (string)bom["specVersion"]!));
            Assert.Equal("model/m1", (string?)Assert.Single(bom["components"]!.AsArray())!["bom-ref"]);
            Assert.Equal("endpoint/https://host/endpoints/e1", (string?)Assert.Single(bom["services"]!.AsArray())!["bom-ref"]);
        }
        finally
        {
            File.Delete(file);
        }

        SdResult older = await SdRunner.RunAsync(Environment, "bom", "--instance", "fake1", "--spec-version", "1.6");
        Assert.True(older.ExitCode == 0, older.All);
        Assert.Equal("1.6", (string?)JsonNode.Parse(older.Stdout)!["specVersion"]);
        SdResult unsupported = await SdRunner.RunAsync(Environment, "bom", "--spec-version", "2.0");
        Assert.Equal(1, unsupported.ExitCode);
        Assert.Contains("specVersion", unsupported.Stderr, StringComparison.Ordinal);

        SdResult findings = await SdRunner.RunAsync(Environment, "findings", "--json");
        Assert.True(findings.ExitCode == 0, findings.All);
        Assert.Equal(0, (int)JsonNode.Parse(findings.Stdout)!["count"]!);
        SdResult table = await SdRunner.RunAsync(Environment, "findings", "--state", "open");
        Assert.Contains("Findings", table.Stdout, StringComparison.Ordinal);
        SdResult badKind = await SdRunner.RunAsync(Environment, "findings", "--kind", "rogue");
        Assert.Equal(1, badKind.ExitCode);
        Assert.Contains("kind", badKind.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, written.All + older.All + findings.All + badKind.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshWait_ScanFails_ExitsOneWithTheRunsError()
    {
        _source.Throw = "provider exploded";

        SdResult refresh = await SdRunner.RunAsync(Environment, "refresh", "fake1", "--wait", "--poll-interval", "00:00:00.05");

        Assert.Equal(1, refresh.ExitCode);
        Assert.Matches(@"│ failed\s+│", refresh.Stdout);
        Assert.Contains("provider exploded", refresh.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangesFollow_PrintsChangesMadeWhileFollowing_AndStopsCleanlyOnCancel()
    {
        SdResult before = await SdRunner.RunAsync(Environment, "changes");
        string cursor = before.Stderr[(before.Stderr.IndexOf("--cursor ", StringComparison.Ordinal) + 9)..].Trim();
        var output = new SignallingWriter("ServerlessDiscovery.Scan.Completed");
        IAnsiConsole stdout = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        using var stop = new CancellationTokenSource();
        var terminal = new SdTerminal(stdout, new TestConsole(), Environment, _ => null);
        Task<int> follow = SdApp.RunAsync(["changes", "--follow", "--json", "--cursor", cursor, "--poll-interval", "00:00:00.05"], terminal, stop.Token);

        using (HttpClient client = KeyedClient())
        {
            Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("api/v1/instances/fake1/refresh", null)).StatusCode);
        }

        await output.Seen.WaitAsync(TimeSpan.FromMinutes(5)); // generous: the whole suite runs in parallel on two cores
        await stop.CancelAsync();

        Assert.Equal(0, await follow);
        Assert.Equal(
            ["ServerlessDiscovery.Asset.Created", "ServerlessDiscovery.Asset.Created", "ServerlessDiscovery.Scan.Completed"],
            output.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string)JsonNode.Parse(l)!["type"]!));
    }

    [Fact]
    public async Task Errors_WrongKeyUnknownInstanceUnreachableAndBadUrl_AreOneClearLineEach()
    {
        SdResult wrongKey = await SdRunner.RunAsync(new Dictionary<string, string> { ["SD_API_KEY"] = "wrong-key-SECRET-123", ["SD_URL"] = _app.App.BaseAddress.ToString() }, "instances");
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("refused the key (401)", wrongKey.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-key-SECRET-123", wrongKey.All, StringComparison.Ordinal);

        SdResult missing = await SdRunner.RunAsync(Environment, "scans", "no-such-instance");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("Not found (404)", missing.Stderr, StringComparison.Ordinal);

        SdResult badQuery = await SdRunner.RunAsync(Environment, "changes", "--cursor", "not-a-cursor");
        Assert.Equal(1, badQuery.ExitCode);
        Assert.Contains("(400)", badQuery.Stderr, StringComparison.Ordinal);
        Assert.Contains("cursor", badQuery.Stderr, StringComparison.Ordinal);

        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        SdResult unreachable = await SdRunner.RunAsync(Environment, "instances", "--url", $"http://127.0.0.1:{closedPort}");
        Assert.Equal(1, unreachable.ExitCode);
        Assert.Contains($"Cannot reach http://127.0.0.1:{closedPort}/", unreachable.Stderr, StringComparison.Ordinal);

        SdResult badUrl = await SdRunner.RunAsync(Environment, "instances", "--url", "ftp://example");
        Assert.Equal(2, badUrl.ExitCode);
        Assert.Contains("--url", badUrl.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(429, "The service is busy (429); retry in 7 s")]
    [InlineData(503, "The service failed (503)")]
    [InlineData(403, "The key may not do this (403)")]
    public async Task Errors_StatusFromTheService_IsExplained(int status, string expected)
    {
        await using LoopbackServer server = await LoopbackServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "7";
            context.Response.ContentType = "application/problem+json";
            await context.Response.WriteAsync("""{"title":"Nope","detail":"Try later."}""", Encoding.UTF8);
        });

        SdResult result = await SdRunner.RunAsync(Environment, "assets", "--url", server.BaseAddress.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Contains("Try later.", result.Stderr, StringComparison.Ordinal);
    }

    private HttpClient KeyedClient()
    {
        var client = new HttpClient { BaseAddress = _app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("x-api-key", Key);
        return client;
    }
}

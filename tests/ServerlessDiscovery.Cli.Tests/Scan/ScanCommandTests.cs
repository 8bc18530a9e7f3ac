using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Cli.Tests.Scan;

/// <summary>`sd scan` against two loopback provider fakes and a real stdio MCP server: output, state, evidence rules, exit codes, secrets.</summary>
public sealed class ScanCommandTests
{
    [Fact]
    public async Task Scan_ThreeSourcesTwiceWithState_ReportsEverythingThenExactlyTheChangesMadeInBetween()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        string proxy = sandbox.Proxy.Host;
        string workspace = sandbox.Workspace.Host;

        SdResult first = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);

        Assert.True(first.ExitCode == 0, first.All);
        JsonObject report = JsonNode.Parse(first.Stdout)!.AsObject();
        JsonArray sources = report["sources"]!.AsArray();
        Assert.Equal(["proxy", "workspace", "tools"], sources.Select(s => (string)s!["instance_id"]!));
        Assert.All(sources, s => Assert.Equal("succeeded", (string?)s!["status"]));
        Assert.All(sources, s => Assert.Equal((int)s!["counts"]!["discovered"]!, (int)s["counts"]!["created"]!));
        Assert.Contains((AssetTypes.Deployment, $"{proxy}/model/d4"), Assets(sources[0]!));
        Assert.Contains((AssetTypes.Principal, $"{proxy}/keys/hash-aaa"), Assets(sources[0]!));
        Assert.Contains((AssetTypes.Endpoint, $"{workspace}/serving-endpoints/llama"), Assets(sources[1]!));
        Assert.Contains((AssetTypes.Agent, $"{workspace}/genie/spaces/02ab"), Assets(sources[1]!));
        Assert.Contains((AssetTypes.McpServer, ScanSandbox.McpServerId), Assets(sources[2]!));
        Assert.Contains((AssetTypes.McpTool, $"{ScanSandbox.McpServerId}#tool:environment_received"), Assets(sources[2]!));
        Assert.Contains(sources[0]!["edges"]!.AsArray(), e => (string?)e!["source_id"] == $"{proxy}/model/b2" && (string?)e["target_id"] == "openai/gpt-4o");
        Assert.Contains("3 source(s) scanned, every scope observed", first.Stderr, StringComparison.Ordinal);
        ScanSandbox.AssertNoSecret(first.All);
        ScanSandbox.AssertNoSecret(File.ReadAllText(sandbox.StateFile));

        // Between the runs: one deployment removed, one Genie space renamed; the MCP server unchanged.
        sandbox.Deployments.Remove("d4");
        sandbox.Spaces["02ab"] = "Finance (EMEA)";

        SdResult second = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);

        Assert.True(second.ExitCode == 0, second.All);
        JsonArray again = JsonNode.Parse(second.Stdout)!["sources"]!.AsArray();
        JsonObject change = Assert.Single(Changes(again[0]!));
        Assert.Equal(("deleted", AssetTypes.Deployment, $"{proxy}/model/d4"), ((string)change["change"]!, (string)change["type"]!, (string)change["id"]!));
        change = Assert.Single(Changes(again[1]!));
        Assert.Equal(("updated", AssetTypes.Agent, $"{workspace}/genie/spaces/02ab"), ((string)change["change"]!, (string)change["type"]!, (string)change["id"]!));
        Assert.Contains("name", change["fields"]!.AsArray().Select(f => (string)f!));
        Assert.Empty(Changes(again[2]!));
        Assert.Equal((int)again[2]!["counts"]!["discovered"]!, (int)again[2]!["counts"]!["unchanged"]!);
        JsonObject d4 = again[0]!["assets"]!.AsArray().Single(a => (string?)a!["id"] == $"{proxy}/model/d4")!.AsObject();
        Assert.Equal(("deleted", 2L), ((string)d4["state"]!, (long)d4["version"]!));
        ScanSandbox.AssertNoSecret(second.All);
    }

    [Fact]
    public async Task Scan_ScopeFailsThenRecovers_ExitsOneMarksItsAssetsStaleDeletesNothingThenRestoresThem()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        string proxy = sandbox.Proxy.Host;
        Assert.Equal(0, (await sandbox.ScanAsync("--state", sandbox.StateFile)).ExitCode);
        sandbox.KeysForbidden = true;
        sandbox.Deployments.Remove("d4");

        SdResult partial = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);

        Assert.Equal(1, partial.ExitCode);
        JsonObject litellm = JsonNode.Parse(partial.Stdout)!["sources"]![0]!.AsObject();
        Assert.Equal("partial", (string?)litellm["status"]);
        Assert.StartsWith("failed", (string?)litellm["scopes"]![$"litellm:{proxy}:keys"], StringComparison.Ordinal);
        Assert.Equal(
            [("deleted", $"{proxy}/model/d4"), ("stale", $"{proxy}/keys/hash-aaa")],
            Changes(litellm).Select(c => ((string)c["change"]!, (string)c["id"]!)).Order());
        JsonObject key = litellm["assets"]!.AsArray().Single(a => (string?)a!["id"] == $"{proxy}/keys/hash-aaa")!.AsObject();
        Assert.Equal("stale", (string?)key["state"]);
        Assert.Contains("1 of 3 source(s) failed or were partly read", partial.Stderr, StringComparison.Ordinal);
        ScanSandbox.AssertNoSecret(partial.All);

        // Still failing: nothing more changes; the key stays in the state, stale, not deleted.
        SdResult still = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);
        Assert.Equal(1, still.ExitCode);
        Assert.Empty(Changes(JsonNode.Parse(still.Stdout)!["sources"]![0]!));
        Assert.Contains($"{proxy}/keys/hash-aaa", File.ReadAllText(sandbox.StateFile), StringComparison.Ordinal);

        // Readable again: the key is restored, nothing else changes.
        sandbox.KeysForbidden = false;
        SdResult back = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);
        Assert.Equal(0, back.ExitCode);
        JsonObject restored = Assert.Single(Changes(JsonNode.Parse(back.Stdout)!["sources"]![0]!));
        Assert.Equal(("restored", $"{proxy}/keys/hash-aaa"), ((string)restored["change"]!, (string)restored["id"]!));
        Assert.Contains("state", restored["fields"]!.AsArray().Select(f => (string)f!));
    }

    [Fact]
    public async Task Scan_SourceUnreachable_ExitsOneKeepsItsStateAndScansTheOthers()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        Assert.Equal(0, (await sandbox.ScanAsync("--state", sandbox.StateFile)).ExitCode);
        string before = File.ReadAllText(sandbox.StateFile);
        await sandbox.Proxy.DisposeAsync();

        SdResult result = await sandbox.ScanAsync("--output", "json", "--state", sandbox.StateFile);

        Assert.Equal(1, result.ExitCode);
        JsonArray sources = JsonNode.Parse(result.Stdout)!["sources"]!.AsArray();
        Assert.NotEqual("succeeded", (string?)sources[0]!["status"]);
        Assert.DoesNotContain(Changes(sources[0]!), c => (string?)c["change"] == "deleted");
        Assert.Equal("succeeded", (string?)sources[1]!["status"]);
        JsonObject oldState = JsonNode.Parse(before)!["instances"]!.AsObject();
        JsonObject newState = JsonNode.Parse(File.ReadAllText(sandbox.StateFile))!["instances"]!.AsObject();
        Assert.Equal(
            oldState["proxy"]!.AsArray().Select(a => (string)a!["id"]!).Order(),
            newState["proxy"]!.AsArray().Where(a => (string?)a!["state"] != "deleted").Select(a => (string)a!["id"]!).Order());
        ScanSandbox.AssertNoSecret(result.All);
    }

    [Fact]
    public async Task Scan_OutFile_WritesTheJsonThereAndNothingToStdout()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        string outFile = Path.Combine(sandbox.Folder, "out.json");

        SdResult result = await sandbox.ScanAsync("--output", "json", "--out", outFile);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(outFile))!["sources"]!.AsArray().Count);
        ScanSandbox.AssertNoSecret(File.ReadAllText(outFile));
    }

    [Fact]
    public async Task Scan_OutputCycloneDx_IsAValidAiBomOfWhatWasFound_AndStableAcrossRuns()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        SdResult json = await sandbox.ScanAsync("--output", "json");
        Assert.True(json.ExitCode == 0, json.All);
        string[] found = [.. JsonNode.Parse(json.Stdout)!["sources"]!.AsArray()
            .SelectMany(s => s!["assets"]!.AsArray()).Select(a => $"{a!["type"]}/{a["id"]}").Distinct()];

        SdResult first = await sandbox.ScanAsync("--output", "cyclonedx", "--state", sandbox.StateFile);
        SdResult second = await sandbox.ScanAsync("--output", "cyclonedx", "--state", sandbox.StateFile);

        Assert.True(first.ExitCode == 0, first.All);
        JsonObject bom = JsonNode.Parse(first.Stdout)!.AsObject();
        Assert.Empty(ServerlessDiscovery.Functions.Tests.Bom.CycloneDxSchemas.Validate(bom, "1.7"));
        string[] refs = [.. (bom["components"]?.AsArray() ?? []).Concat(bom["services"]?.AsArray() ?? []).Select(e => (string)e!["bom-ref"]!)];
        Assert.NotEmpty(refs);
        Assert.All(refs, r => Assert.Contains(r, found));
        Assert.Contains(bom["components"]!.AsArray(), e => (string?)e!["type"] == "machine-learning-model");
        JsonObject again = JsonNode.Parse(second.Stdout)!.AsObject();
        Assert.Equal((string?)bom["serialNumber"], (string?)again["serialNumber"]);
        ScanSandbox.AssertNoSecret(first.All);
    }

    [Fact]
    public async Task Scan_FromPluginsSettingsInTheEnvironment_ScansThemAsTheServiceWould()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["Plugins__gateway__Type"] = "litellm",
            ["Plugins__gateway__Config__proxy_url"] = sandbox.Proxy.Server.BaseAddress.ToString(),
            ["Plugins__gateway__Config__master_key"] = Plugins.LiteLlm.Tests.FakeProxy.MasterKey,
        };

        SdResult result = await SdRunner.RunAsync(environment, "scan", "--output", "json");

        Assert.True(result.ExitCode == 0, result.All);
        JsonObject source = Assert.Single(JsonNode.Parse(result.Stdout)!["sources"]!.AsArray())!.AsObject();
        Assert.Equal(("gateway", "litellm"), ((string)source["instance_id"]!, (string)source["plugin_type"]!));
        Assert.Contains((AssetTypes.Deployment, $"{sandbox.Proxy.Host}/model/a1"), Assets(source));
        ScanSandbox.AssertNoSecret(result.All);
    }

    [Fact]
    public async Task Scan_BadSettingsInTheEnvironment_ExitsTwoNamingTheSetting()
    {
        var environment = new Dictionary<string, string>
        {
            ["Plugins__gateway__Type"] = "litellm",
            ["Plugins__gateway__Config__proxy_url"] = "http://127.0.0.1:9/",
        };

        SdResult result = await SdRunner.RunAsync(environment, "scan");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Plugins__gateway__Config__master_key", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_BadSourcesFile_ExitsTwoNamingEveryBadFieldWithoutEchoingSecrets()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        JsonArray sources = sandbox.Sources();
        sources[0]!["config"]!.AsObject().Remove("master_key");
        sources[1]!["config"]!["token"] = "${env:SD_TEST_NOT_SET}";
        sources[2]!["plugin_type"] = "no-such-plugin";
        sandbox.WriteSources(sources);

        SdResult result = await sandbox.ScanAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("instances[0].config.master_key", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("instances[1].config.token refers to the environment variable SD_TEST_NOT_SET", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("instances[2].plugin_type 'no-such-plugin'", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(sandbox.StateFile));
        ScanSandbox.AssertNoSecret(result.All);
    }

    [Theory]
    [InlineData("--output", "xml")]
    [InlineData("--timeout", "-00:00:01")]
    public async Task Scan_UnsupportedOption_ExitsTwo(string option, string value)
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();

        SdResult result = await sandbox.ScanAsync(option, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(option, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_CorruptStateFile_ExitsTwoAndLeavesItAsItWas()
    {
        await using ScanSandbox sandbox = await ScanSandbox.StartAsync();
        File.WriteAllText(sandbox.StateFile, "{not json");

        SdResult result = await sandbox.ScanAsync("--state", sandbox.StateFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--state", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("{not json", File.ReadAllText(sandbox.StateFile));
    }

    private static HashSet<(string Type, string Id)> Assets(JsonNode source) =>
        [.. source["assets"]!.AsArray().Select(a => ((string)a!["type"]!, (string)a["id"]!))];

    private static IEnumerable<JsonObject> Changes(JsonNode source) => source["changes"]!.AsArray().Select(c => c!.AsObject());
}

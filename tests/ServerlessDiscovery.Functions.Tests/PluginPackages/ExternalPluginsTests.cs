using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;
using Xunit.Abstractions;

namespace ServerlessDiscovery.Functions.Tests.PluginPackages;

/// <summary>
/// Plugins from outside the repository, end to end (<see cref="ExternalPluginsFixture"/>; about two minutes on a loaded
/// 2-core machine, most of it the generated project's restore and build). The provider fake follows the OpenAI API
/// reference, "List models" (GET /v1/models, bearer key, OpenAI-Project header).
/// </summary>
public sealed partial class ExternalPluginsTests(ExternalPluginsFixture fixture, ITestOutputHelper output) : IClassFixture<ExternalPluginsFixture>
{
    [Fact]
    public void Template_Generated_BuildsAndPassesItsTests()
    {
        output.WriteLine(fixture.Timings);
        Assert.True(fixture.TemplateTests.ExitCode == 0, fixture.TemplateTests.Output);
        Match summary = TestSummary().Match(fixture.TemplateTests.Output);
        Assert.True(summary.Success, fixture.TemplateTests.Output);
        Assert.Equal("0", summary.Groups["failed"].Value);
        // The conformance suite (10) and the plugin's own tests against its fake (3).
        Assert.True(int.Parse(summary.Groups["passed"].Value, System.Globalization.CultureInfo.InvariantCulture) >= 13, fixture.TemplateTests.Output);
    }

    [Fact]
    public async Task PluginTypes_PackagedPlugin_ShowsItsOriginVersionAndSdkRange_BuiltInsTheirs()
    {
        using HttpClient client = Client();
        JsonObject types = (await client.GetFromJsonAsync<JsonObject>("api/v1/plugin-types"))!["plugin_types"]!.AsObject();

        JsonNode plugin = types[ExternalPluginsFixture.TypeId]!;
        Assert.Equal(Path.Combine(fixture.PluginFolder, $"{ExternalPluginsFixture.PluginName}.0.1.0.nupkg"), plugin["origin"]!["source"]!.GetValue<string>());
        Assert.Equal($"{ExternalPluginsFixture.PluginName}.0.1.0.nupkg", plugin["origin"]!["package"]!.GetValue<string>());
        Assert.StartsWith("0.1.0", plugin["origin"]!["version"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"[{PluginSdk.Version}, {int.Parse(PluginSdk.Version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) + 1}.0.0)", plugin["origin"]!["sdk_range"]!.GetValue<string>());
        Assert.Contains(plugin["config_fields"]!.AsArray(), f => f!["name"]!.GetValue<string>() == "api_key" && f["secret"]!.GetValue<bool>());

        JsonNode litellm = types["litellm"]!;
        Assert.Equal(PluginOrigin.BuiltIn, litellm["origin"]!["source"]!.GetValue<string>());
        Assert.Equal(PluginSdk.Version, litellm["origin"]!["sdk_range"]!.GetValue<string>());
        Assert.DoesNotContain(types, t => t.Key is "future.sdk" or "acme.throwing");
    }

    [Fact]
    public async Task PackagedPlugin_CreatedAndRefreshedThroughTheApi_ScansItsProvider()
    {
        const string key = "sk-registry-0123456789";
        await using LoopbackServer provider = await LoopbackServer.StartAsync((context, request) =>
            request.Headers.GetValueOrDefault("Authorization") == $"Bearer {key}" && request.Headers.GetValueOrDefault("OpenAI-Project") == "alpha"
                ? LoopbackReplies.WriteJsonAsync(context, 200, """{"object":"list","data":[{"id":"gpt-4o","object":"model","created":1686935002,"owned_by":"contoso"}]}""")
                : LoopbackReplies.WriteJsonAsync(context, 401, """{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""));
        using HttpClient client = Client();

        using HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = ExternalPluginsFixture.TypeId,
            ["instance_id"] = "registry",
            ["config"] = new JsonObject { ["base_url"] = provider.BaseAddress.ToString(), ["api_key"] = key, ["projects"] = new JsonArray("alpha") },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync() + fixture.App.Output);
        JsonObject verified = (await (await client.PostAsync("api/v1/instances/registry/verify", null)).Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(verified["success"]!.GetValue<bool>(), verified.ToJsonString());

        JsonObject scan = await RefreshAsync(client, "registry");

        Assert.Equal("succeeded", scan["status"]!.GetValue<string>());
        string assetId = $"{provider.BaseAddress.Authority}/alpha/gpt-4o";
        JsonObject asset = (await client.GetFromJsonAsync<JsonObject>($"api/v1/assets/model/{assetId}"))!;
        Assert.Equal("gpt-4o", asset["name"]!.GetValue<string>());
        Assert.DoesNotContain(key, asset.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, await client.GetStringAsync("api/v1/instances/registry"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusedPlugins_AreLoggedByNameWithTheirReason_WhileBuiltInPluginsKeepWorking()
    {
        string log = fixture.App.Output;
        Assert.Contains($"Plugin '{TestPlugins.FutureSdk}' refused: it was built for SDK {TestPlugins.FutureRange} ({TestPlugins.FutureSdk}); this host's SDK is {PluginSdk.Version}.", log, StringComparison.Ordinal);
        Assert.Contains($"Plugin '{TestPlugins.ThrowingConstructor}' refused: it cannot create plugin type {TestPlugins.ThrowingConstructor}.TestPluginType: its constructor or metadata threw InvalidOperationException: {TestPlugins.ConstructorMessage}.", log, StringComparison.Ordinal);
        Assert.Contains($"Plugin '{TestPlugins.DuplicateTypeId}' refused: it declares type id 'litellm' ({TestPlugins.DuplicateTypeId}.TestPluginType), which built-in ServerlessDiscovery.Plugins.LiteLlm already provides.", log, StringComparison.Ordinal);

        using HttpClient client = Client();
        using HttpResponseMessage created = await client.PostAsJsonAsync("api/v1/instances", new JsonObject
        {
            ["plugin_type"] = "opentelemetry",
            ["instance_id"] = "traces",
            ["config"] = new JsonObject(),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("succeeded", (await RefreshAsync(client, "traces"))["status"]!.GetValue<string>());
    }

    private HttpClient Client() => new() { BaseAddress = fixture.App.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Starts a scan and polls its history (bounded) until it is no longer running.</summary>
    private static async Task<JsonObject> RefreshAsync(HttpClient client, string instance)
    {
        using HttpResponseMessage accepted = await client.PostAsync($"api/v1/instances/{instance}/refresh", null);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        string runId = (await accepted.Content.ReadFromJsonAsync<JsonObject>())!["scan_run_id"]!.GetValue<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            JsonObject history = (await client.GetFromJsonAsync<JsonObject>($"api/v1/instances/{instance}/scans", deadline.Token))!;
            if (history["scans"]!.AsArray().FirstOrDefault(s => s!["scan_run_id"]!.GetValue<string>() == runId) is JsonObject run && run["status"]!.GetValue<string>() != "running")
            {
                return run;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+)")]
    private static partial Regex TestSummary();
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests;

/// <summary>litellm through the real API, scheduler and Azurite, against the loopback proxy.</summary>
public sealed class EndToEndTests
{
    private const string Forbidden = """{"error":{"message":"Only proxy admin can list keys","type":"auth_error","param":"None","code":"403"}}""";

    [Fact]
    public async Task Scans_DeploymentRemovedThenKeysForbidden_TombstonesTheDeploymentAndStalesTheKeys()
    {
        await using FakeProxy proxy = await FakeProxy.StartAsync();
        string host = proxy.Host;
        var deployments = new List<string> { "a1", "b2", "c3", "d4" };
        bool keysForbidden = false;
        proxy.Route("/model/info", context => FakeProxy.WriteAsync(context, 200, new JsonObject
        {
            ["data"] = new JsonArray([.. deployments.Select(id => (JsonNode?)new JsonObject
            {
                ["model_name"] = id == "c3" ? "claude" : "gpt-4o",
                ["litellm_params"] = new JsonObject { ["model"] = id == "c3" ? "anthropic/claude-sonnet-4-5" : "openai/gpt-4o", ["api_key"] = "sk-provider-secret" },
                ["model_info"] = new JsonObject { ["id"] = id },
            })]),
        }.ToJsonString()));
        proxy.Route("/key/list", context => keysForbidden
            ? FakeProxy.WriteAsync(context, 403, Forbidden)
            : FakeProxy.WriteAsync(context, 200, """{"keys":[{"token":"hash-aaa","key_alias":"search-svc","models":["claude"]}],"total_count":1,"current_page":1,"total_pages":1}"""));
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("litellm", "ll1", new JsonObject { ["proxy_url"] = proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey });
        await app.AssertSecretsMaskedAsync("ll1", new Dictionary<string, string> { ["master_key"] = FakeProxy.MasterKey });

        JsonObject first = await app.RefreshAsync("ll1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("ll1");
        Assert.Contains((AssetTypes.Deployment, $"{host}/model/d4"), assets);
        Assert.Contains((AssetTypes.Model, "anthropic/claude-sonnet-4-5"), assets);
        Assert.Contains((AssetTypes.Principal, $"{host}/keys/hash-aaa"), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync($"{host}/model/b2", Relationships.Serves, AssetTypes.Model, "openai/gpt-4o");
        await app.AssertEdgeAsync($"{host}/keys/hash-aaa", Relationships.UsesModel, AssetTypes.Deployment, $"{host}/model/c3");
        Assert.DoesNotContain("sk-provider-secret", (await app.GetAssetAsync(AssetTypes.Deployment, $"{host}/model/a1")).ToJsonString(), StringComparison.Ordinal);

        deployments.Remove("d4");
        JsonObject second = await app.RefreshAsync("ll1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("ll1", second, AssetTypes.Deployment, $"{host}/model/d4");

        keysForbidden = true;
        JsonObject third = await app.ScheduledScanAsync("ll1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Equal(1, (int)counts["stale"]!);
        Assert.NotNull((string?)third["scopes"]![$"litellm:{host}:keys"]);
        Assert.DoesNotContain(FakeProxy.MasterKey, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("ll1", AssetTypes.Principal, $"{host}/keys/hash-aaa")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("ll1", AssetTypes.Deployment, $"{host}/model/a1")).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Principal, $"{host}/keys/hash-aaa")]);
    }

    [Fact]
    public async Task Scans_DatabaseGone_LeavesTeamsAndKeysActive()
    {
        await using FakeProxy proxy = await FakeProxy.StartAsync();
        string host = proxy.Host;
        proxy.Json("/team/list", """[{"team_id":"t-1","team_alias":"search"}]""");
        proxy.Json("/key/list", """{"keys":[{"token":"hash-aaa","key_alias":"search-svc","team_id":"t-1"}],"total_count":1,"current_page":1,"total_pages":1}""");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("litellm", "ll2", new JsonObject { ["proxy_url"] = proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey });

        JsonObject first = await app.RefreshAsync("ll2");

        Assert.Equal(2, (int)EngineAppEndToEnd.Counts(first)["created"]!);

        proxy.WithoutDatabase();
        JsonObject second = await app.RefreshAsync("ll2");

        JsonObject counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Equal(0, (int)counts["stale"]!);
        Assert.StartsWith("unavailable: LiteLLM runs without a database", (string?)second["scopes"]![$"litellm:{host}:keys"], StringComparison.Ordinal);
        Assert.Equal("succeeded", (string?)second["status"]);
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("ll2", AssetTypes.Principal, $"{host}/keys/hash-aaa")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("ll2", AssetTypes.Principal, $"{host}/teams/t-1")).GetString("State"));
    }
}

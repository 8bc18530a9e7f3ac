using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace Contoso.Gateway.Tests;

/// <summary>The plugin against <see cref="FakeGateway"/> (OpenAI API reference, "List models").</summary>
public sealed class GatewayPluginTests
{
    private const string Key = "sk-test-key-1";

    [Fact]
    public async Task Discover_TwoProjects_ReportsEachProjectsModelsInItsScope()
    {
        await using FakeGateway gateway = await FakeGateway.StartAsync(
            new Dictionary<string, string[]> { [Key] = ["alpha", "beta"] },
            new Dictionary<string, string[]> { ["alpha"] = ["gpt-4o", "o3"], ["beta"] = ["gpt-4o"] });
        var sink = new RecordingSink();

        await using IPlugin plugin = Create(gateway.BaseAddress, Key, "alpha", "beta");
        await plugin.DiscoverAsync(sink);

        string scope = $"{GatewayPluginType.TypeId}:{gateway.BaseAddress.Authority}";
        Assert.Equal([$"{scope}:alpha", $"{scope}:beta"], sink.CompletedScopes.Order());
        Assert.Equal(3, sink.Assets.Count);
        DiscoveredAsset o3 = sink.Single(AssetTypes.Model, $"{gateway.BaseAddress.Authority}/alpha/o3");
        Assert.Equal("contoso", o3.Attributes["owned_by"]!.GetValue<string>());
        Assert.All(gateway.AuthorizationHeaders, h => Assert.Equal($"Bearer {Key}", h));
    }

    [Fact]
    public async Task Discover_KeyNotValidForOneProject_FailsThatScopeOnlyWithoutTheKey()
    {
        await using FakeGateway gateway = await FakeGateway.StartAsync(
            new Dictionary<string, string[]> { [Key] = ["alpha"] },
            new Dictionary<string, string[]> { ["alpha"] = ["gpt-4o"], ["beta"] = ["o3"] });
        var sink = new RecordingSink();

        await using IPlugin plugin = Create(gateway.BaseAddress, Key, "alpha", "beta");
        await plugin.DiscoverAsync(sink);

        string scope = $"{GatewayPluginType.TypeId}:{gateway.BaseAddress.Authority}";
        Assert.Equal([$"{scope}:alpha"], sink.CompletedScopes);
        KeyValuePair<string, string?> failed = Assert.Single(sink.FailedScopes);
        Assert.Equal($"{scope}:beta", failed.Key);
        Assert.Contains("401", failed.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, failed.Value, StringComparison.Ordinal);
        Assert.Single(sink.Assets);
    }

    [Fact]
    public async Task Verify_WrongKey_FailsNamingTheStatusNotTheKey()
    {
        await using FakeGateway gateway = await FakeGateway.StartAsync(
            new Dictionary<string, string[]> { [Key] = [""] },
            new Dictionary<string, string[]> { [""] = ["gpt-4o"] });

        await using IPlugin wrong = Create(gateway.BaseAddress, "sk-wrong-key");
        VerifyResult failed = await wrong.VerifyConnectionAsync();
        await using IPlugin right = Create(gateway.BaseAddress, Key);
        VerifyResult ok = await right.VerifyConnectionAsync();

        Assert.False(failed.Success);
        Assert.DoesNotContain("sk-wrong-key", failed.Error, StringComparison.Ordinal);
        Assert.True(ok.Success, ok.Error);
    }

    private static IPlugin Create(Uri baseUrl, string key, params string[] projects)
    {
        var raw = new JsonObject { ["base_url"] = baseUrl.ToString(), ["api_key"] = key, ["projects"] = new JsonArray([.. projects.Select(p => (JsonNode?)p)]) };
        var type = new GatewayPluginType();
        (PluginConfiguration? configuration, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(configuration is not null, string.Join("; ", errors.Select(e => $"{e.Field} {e.Message}")));
        return type.Create(configuration, TestPluginContext.Create());
    }
}

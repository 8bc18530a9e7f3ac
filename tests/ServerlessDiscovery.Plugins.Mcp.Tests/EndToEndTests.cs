using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Plugins.Mcp.Tests.Hosting;
using ServerlessDiscovery.Plugins.Mcp.TestServer;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

/// <summary>mcp through the real API, scheduler and Azurite, against the in-test Streamable HTTP server.</summary>
public sealed class EndToEndTests
{
    private const string Secret = "Bearer hdr-E2E-SECRET-5d1a";

    [Fact]
    public async Task Scans_ToolRemovedFromServer_TombstonesTheToolAndKeepsTheRest()
    {
        await using StreamableHttpTestServer server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("e2e-server", 4));
        string serverId = $"http://127.0.0.1:{server.Endpoint.Port}/mcp";
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("mcp", "mcp1", new JsonObject
        {
            ["transport"] = "streamable_http",
            ["url"] = server.Endpoint.ToString(),
            ["headers"] = new JsonObject { ["Authorization"] = Secret },
            ["timeout_seconds"] = 30L,
        });
        await app.AssertSecretsMaskedAsync("mcp1", new Dictionary<string, string> { ["headers"] = Secret });

        JsonObject first = await app.ScheduledScanAsync("mcp1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("mcp1");
        Assert.Equal(17, assets.Count);
        Assert.Contains((AssetTypes.McpServer, serverId), assets);
        Assert.Contains((AssetTypes.McpTool, $"{serverId}#tool:tool_04"), assets);
        Assert.Contains((AssetTypes.McpResource, $"{serverId}#resource:file:///data/doc-02.md"), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync(serverId, Relationships.Contains, AssetTypes.McpTool, $"{serverId}#tool:tool_04");
        Assert.Equal("e2e-server", (string?)(await app.GetAssetAsync(AssetTypes.McpServer, serverId))["name"]);
        Assert.Equal("tool_04", (string?)(await app.GetAssetAsync(AssetTypes.McpTool, $"{serverId}#tool:tool_04"))["name"]);
        Assert.All(server.RequestHeaders, h => Assert.Equal(Secret, h["Authorization"]));

        server.Catalogue = server.Catalogue with { Tools = [.. server.Catalogue.Tools.Where(t => t.Name != "tool_04")] };
        JsonObject second = await app.RefreshAsync("mcp1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("mcp1", second, AssetTypes.McpTool, $"{serverId}#tool:tool_04");
        Assert.DoesNotContain(await app.LineageFromAsync(serverId), e => (string?)e!["target_id"] == $"{serverId}#tool:tool_04");
        Assert.DoesNotContain(Secret, second.ToJsonString(), StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Mcp.Tests.Hosting;
using ServerlessDiscovery.Plugins.Mcp.TestServer;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Mcp.Tests.Resolution;

/// <summary>
/// Declared versus observed for MCP servers and tools: the real mcp plugin scans a real Streamable HTTP MCP server
/// (<see cref="StreamableHttpTestServer"/>, MCP 2025-06-18 initialize and tools/list) into Azurite; MCP client spans in the
/// two shapes instrumentations emit (the OpenTelemetry MCP semantic conventions, mcp.md: mcp.method.name,
/// gen_ai.tool.name, server.address, server.port; and OpenCITE's, naming the server by its serverInfo name with
/// mcp.server.name and mcp.tool.name) go through the real OpenTelemetry .NET OTLP exporter into the real app and must
/// land on the declared server and tool (rules mcp-server and mcp-tool). The end-to-end test with findings and webhooks
/// is <see cref="DeclaredObservedEndToEndTests"/>.
/// </summary>
public sealed class McpResolutionTests : IAsyncLifetime
{
    private StreamableHttpTestServer _server = null!;
    private EngineApp _app = null!;

    private string ServerId => $"http://127.0.0.1:{_server.Endpoint.Port}/mcp";

    private string Address => $"127.0.0.1:{_server.Endpoint.Port}";

    public async Task InitializeAsync()
    {
        _server = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("weather", 3));
        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());
        await _app.CreateInstanceAsync("mcp", "weather", new JsonObject { ["transport"] = "streamable_http", ["url"] = _server.Endpoint.ToString() });
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("weather"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>An MCP client span as mcp.md describes it: "tools/call {tool}", kind client, the server's address and port.</summary>
    private InstrumentedSpan ToolsCall(string tool) => new($"tools/call {tool}", new Dictionary<string, object>
    {
        ["mcp.method.name"] = "tools/call",
        ["gen_ai.operation.name"] = "execute_tool",
        ["gen_ai.tool.name"] = tool,
        ["server.address"] = _server.Endpoint.Host,
        ["server.port"] = _server.Endpoint.Port,
        ["network.transport"] = "tcp",
    });

    [Fact]
    public async Task ToolsCallToTheServersAddress_CountsOnTheDeclaredToolAndServer()
    {
        await _app.ObserveAsync("weather-app", ToolsCall("tool_01"), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.McpTool, $"{ServerId}#tool:tool_01", "mcp-tool", 2, 0, 0, ["weather-app"], (AssetTypes.McpTool, AssetIds.McpTool(Address, "tool_01"))));
        JsonObject server = await _app.GetAssetAsync(AssetTypes.McpServer, ServerId);
        Assert.Equal("both", (string?)server["provenance"]);
        Assert.Equal("mcp-server", (string?)server["observed"]!["rule"]);
        await _app.AssertAbsentAsync(AssetTypes.McpServer, AssetIds.McpServer(Address));
    }

    [Fact]
    public async Task ToolSpanNamingTheServerByItsName_CountsOnTheDeclaredTool()
    {
        // OpenCITE's MCP span: no address, the server's own name (its serverInfo.name, "weather") and the tool.
        await _app.ObserveAsync("agent-runner", new InstrumentedSpan("mcp tool_02", new Dictionary<string, object>
        {
            ["mcp.server.name"] = "weather",
            ["mcp.tool.name"] = "tool_02",
        }), times: 3);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.McpTool, $"{ServerId}#tool:tool_02", "mcp-tool", 3, 0, 0, ["agent-runner"], (AssetTypes.McpTool, AssetIds.McpTool("weather", "tool_02"))));
        await _app.AssertAbsentAsync(AssetTypes.McpServer, AssetIds.McpServer("weather"));
    }

    [Fact]
    public async Task SpansNamingNothingDeclared_StayTraceDerived()
    {
        // A tool the declared server does not list, and a server nobody registered.
        await _app.ObserveAsync("lab", ToolsCall("tool_99"));
        await _app.ObserveAsync("lab", new InstrumentedSpan("mcp read_file", new Dictionary<string, object>
        {
            ["mcp.server.name"] = "files",
            ["mcp.tool.name"] = "read_file",
        }), times: 2);

        await _app.AssertTraceDerivedAsync(AssetTypes.McpTool, AssetIds.McpTool(Address, "tool_99"), 1);
        await _app.AssertTraceDerivedAsync(AssetTypes.McpServer, AssetIds.McpServer("files"), 2);
        await _app.AssertTraceDerivedAsync(AssetTypes.McpTool, AssetIds.McpTool("files", "read_file"), 2);
    }
}

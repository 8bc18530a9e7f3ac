using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

public sealed class McpPluginConformanceTests : PluginConformanceTests<McpPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["transport"] = "auto",
        ["url"] = new Uri(unreachable, "mcp").ToString(),
        ["headers"] = new JsonObject { ["Authorization"] = "Bearer " + SecretSentinel },
        ["timeout_seconds"] = 20L,
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["transport"] = "grpc", ["url"] = "http://127.0.0.1:1/mcp" }, "transport"),
        (new JsonObject { ["transport"] = "streamable_http" }, "url"),
        (new JsonObject { ["transport"] = "sse", ["url"] = "ftp://example.com/mcp" }, "url"),
        (new JsonObject { ["transport"] = "auto", ["url"] = "http://127.0.0.1:1/mcp", ["command"] = "node" }, "command"),
        (new JsonObject { ["transport"] = "stdio" }, "command"),
        (new JsonObject { ["transport"] = "stdio", ["command"] = "node", ["url"] = "http://127.0.0.1:1/mcp" }, "url"),
        (new JsonObject { ["transport"] = "auto", ["url"] = "http://127.0.0.1:1/mcp", ["timeout_seconds"] = 0L }, "timeout_seconds"),
    ];
}

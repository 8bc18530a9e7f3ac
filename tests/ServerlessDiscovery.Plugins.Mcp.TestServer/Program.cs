using Microsoft.Extensions.Logging.Abstractions;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using ServerlessDiscovery.Plugins.Mcp.TestServer;

// A real MCP server over stdio for the plugin's tests. It declares no prompts capability, and reports through
// tool names (never values) whether it received the configured environment and whether the host's leaked in.
var extraTools = new List<Tool>();
if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MCP_TEST_TOKEN")))
{
    extraTools.Add(new Tool { Name = "environment_received", InputSchema = TestCatalogue.Schema("""{"type":"object"}""") });
}

if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MCP_TEST_HOST_ONLY")))
{
    extraTools.Add(new Tool { Name = "host_environment_leaked", InputSchema = TestCatalogue.Schema("""{"type":"object"}""") });
}

TestCatalogue catalogue = TestCatalogue.Numbered("stdio-test-server", count: 3, pageSize: 2, withPrompts: false, extraTools);
McpServerOptions options = catalogue.CreateOptions();
// A server slow to answer its first request (a cold interpreter, a server that loads its catalogue first): it reads the
// request at once but its reply reaches the client only after this long.
await using ITransport transport = int.TryParse(Environment.GetEnvironmentVariable("MCP_TEST_FIRST_REPLY_DELAY_MS"), out int firstReplyDelay) && firstReplyDelay > 0
    ? new StreamServerTransport(Console.OpenStandardInput(), new FirstWriteDelayedStream(Console.OpenStandardOutput(), TimeSpan.FromMilliseconds(firstReplyDelay)), catalogue.ServerName, NullLoggerFactory.Instance)
    : new StdioServerTransport(options, NullLoggerFactory.Instance);
await using McpServer server = McpServer.Create(transport, options, NullLoggerFactory.Instance);
await server.RunAsync();

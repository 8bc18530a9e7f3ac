using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Mcp.Configuration;
using ServerlessDiscovery.Plugins.Mcp.Discovery;

namespace ServerlessDiscovery.Plugins.Mcp;

/// <summary>
/// Inventories one MCP server: the server itself and the tools, resources, resource templates and prompts it lists.
/// The server is remote (Streamable HTTP or SSE at <c>url</c>) or local (a <c>command</c> spoken to over stdio).
/// </summary>
public sealed class McpPluginType : IPluginType
{
    public PluginMetadata Metadata { get; } = new(
        TypeId: "mcp",
        Name: "MCP server",
        Description: "One Model Context Protocol server (Streamable HTTP, SSE or stdio) and the tools, resources, resource templates and prompts it offers.",
        Version: "1.0.0",
        AssetTypes: [AssetTypes.McpServer, AssetTypes.McpTool, AssetTypes.McpResource, AssetTypes.McpResourceTemplate, AssetTypes.McpPrompt],
        ConfigFields:
        [
            new ConfigField(McpFields.Transport, "Transport", ConfigFieldType.String, Required: true,
                Description: "streamable_http, sse or auto (Streamable HTTP, falling back to SSE) for a remote server at 'url'; stdio for a local 'command'."),
            new ConfigField(McpFields.Url, "Server URL", ConfigFieldType.Url,
                Description: "Endpoint of a remote server; required for every transport but stdio."),
            new ConfigField(McpFields.Headers, "HTTP headers", ConfigFieldType.StringMap, Secret: true,
                Description: "Headers sent with every request, e.g. Authorization. Only for 'url'."),
            new ConfigField(McpFields.Command, "Command", ConfigFieldType.String,
                Description: "Executable of a local server spoken to over stdio; required for the stdio transport. The host must allow stdio servers (MCP_STDIO_ENABLED=true)."),
            new ConfigField(McpFields.Arguments, "Arguments", ConfigFieldType.StringList,
                Description: "Arguments of 'command'. They are part of the server's identity: put credentials in 'environment', never here."),
            new ConfigField(McpFields.Environment, "Environment", ConfigFieldType.StringMap, Secret: true,
                Description: "Environment variables of the server process, on top of PATH, HOME and the like; the host's own environment is not passed on."),
            new ConfigField(McpFields.WorkingDirectory, "Working directory", ConfigFieldType.String,
                Description: "Working directory of the server process."),
            new ConfigField(McpFields.TimeoutSeconds, "Timeout (s)", ConfigFieldType.Integer, Default: "60",
                Description: "Budget for the whole conversation with the server: connecting, initializing and listing everything."),
        ],
        EnvironmentVariables: [McpFields.StdioEnabledVariable]);

    public IEnumerable<ConfigError> Validate(PluginConfiguration configuration) => McpEndpoint.Validate(configuration);

    public IPlugin Create(PluginConfiguration configuration, PluginContext context) =>
        new McpPlugin(McpEndpoint.From(configuration), context);
}

namespace ServerlessDiscovery.Plugins.Mcp.Configuration;

/// <summary>Configuration field names of the mcp plugin type.</summary>
internal static class McpFields
{
    public const string Url = "url";
    public const string Transport = "transport";
    public const string Headers = "headers";
    public const string Command = "command";
    public const string Arguments = "arguments";
    public const string Environment = "environment";
    public const string WorkingDirectory = "working_directory";
    public const string TimeoutSeconds = "timeout_seconds";

    /// <summary>A stdio server runs a command on the host, so a host must opt in to allow it.</summary>
    public const string StdioEnabledVariable = "MCP_STDIO_ENABLED";

    public const int MaxTimeoutSeconds = 600;
}

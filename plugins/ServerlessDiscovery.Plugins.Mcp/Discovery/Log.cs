using Microsoft.Extensions.Logging;

namespace ServerlessDiscovery.Plugins.Mcp.Discovery;

internal static partial class Log
{
    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "MCP server {ServerId} ({Transport}) answered with protocol {ProtocolVersion}.")]
    public static partial void Connected(ILogger logger, string serverId, string transport, string? protocolVersion);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "MCP server {ServerId} could not be read: {Reason}")]
    public static partial void ServerFailed(ILogger logger, string serverId, string reason);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "MCP server {ServerId}: listing {Kind} failed: {Reason}")]
    public static partial void ListFailed(ILogger logger, string serverId, string kind, string reason);

    [LoggerMessage(EventId = 7304, Level = LogLevel.Information, Message = "MCP server {ServerId}: {Tools} tools, {Resources} resources, {Templates} resource templates, {Prompts} prompts.")]
    public static partial void Listed(ILogger logger, string serverId, int tools, int resources, int templates, int prompts);
}

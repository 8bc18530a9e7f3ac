namespace ServerlessDiscovery.Plugins;

/// <summary>OpenCITE's standard asset types, plus the few MCP kinds it lacks.</summary>
public static class AssetTypes
{
    public const string Tool = "tool";
    public const string Model = "model";
    public const string Agent = "agent";
    public const string Endpoint = "endpoint";
    public const string Deployment = "deployment";
    public const string GenerativeModel = "generative_model";
    public const string DownstreamSystem = "downstream_system";
    public const string McpServer = "mcp_server";
    public const string McpTool = "mcp_tool";
    public const string McpResource = "mcp_resource";
    public const string McpResourceTemplate = "mcp_resource_template";
    public const string McpPrompt = "mcp_prompt";
    public const string Catalog = "catalog";
    public const string Schema = "schema";
    public const string Table = "table";
    public const string Volume = "volume";
    public const string Function = "function";

    /// <summary>Who holds access in a source: a team, a user, an API key (never the key itself). Owners of other assets.</summary>
    public const string Principal = "principal";

    public static IReadOnlyList<string> All { get; } =
    [
        Tool, Model, Agent, Endpoint, Deployment, GenerativeModel, DownstreamSystem, McpServer, McpTool, McpResource,
        McpResourceTemplate, McpPrompt, Catalog, Schema, Table, Volume, Function, Principal,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}

/// <summary>Relationship names used on edges.</summary>
public static class Relationships
{
    public const string Serves = "serves";
    public const string UsesModel = "uses_model";
    public const string UsesTool = "uses_tool";
    public const string UsesKnowledgeBase = "uses_knowledge_base";
    public const string DelegatesTo = "delegates_to";
    public const string ConnectsTo = "connects_to";
    public const string Contains = "contains";
    public const string VersionOf = "version_of";
    public const string Owns = "owns";
}

using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ServerlessDiscovery.Plugins.Mcp.Configuration;

namespace ServerlessDiscovery.Plugins.Mcp.Discovery;

/// <summary>
/// Turns what an MCP server lists into assets. Ids are the server's identity plus the item's own identity
/// (a tool's or prompt's name, a resource's URI, a template's URI template), so they survive restarts and hosts.
/// Only content goes into attributes: no _meta, no icons, nothing that changes per request.
/// </summary>
internal static class McpAssets
{
    public static string ToolId(string serverId, string name) => $"{serverId}#tool:{name}";

    public static string ResourceId(string serverId, string uri) => $"{serverId}#resource:{uri}";

    public static string ResourceTemplateId(string serverId, string uriTemplate) => $"{serverId}#resource_template:{uriTemplate}";

    public static string PromptId(string serverId, string name) => $"{serverId}#prompt:{name}";

    public static DiscoveredAsset Server(McpEndpoint endpoint, McpClient client, string scope)
    {
        Implementation? info = client.ServerInfo;
        ServerCapabilities? capabilities = client.ServerCapabilities;
        var attributes = new JsonObject
        {
            ["endpoint"] = endpoint.ServerId,
            ["transport"] = endpoint.TransportName,
            ["server_name"] = info?.Name,
            ["title"] = info?.Title,
            ["version"] = info?.Version,
            ["description"] = info?.Description,
            ["website_url"] = info?.WebsiteUrl,
            ["protocol_version"] = client.NegotiatedProtocolVersion,
            ["instructions"] = client.ServerInstructions,
            ["capabilities"] = new JsonObject
            {
                ["tools"] = capabilities?.Tools is not null,
                ["resources"] = capabilities?.Resources is not null,
                ["resource_subscriptions"] = capabilities?.Resources?.Subscribe == true,
                ["prompts"] = capabilities?.Prompts is not null,
                ["completions"] = capabilities?.Completions is not null,
            },
        };
        string name = info?.Title ?? info?.Name ?? endpoint.ServerId;
        return new DiscoveredAsset(AssetTypes.McpServer, endpoint.ServerId, name, scope) { Attributes = WithoutNulls(attributes) };
    }

    public static DiscoveredAsset Tool(string serverId, Tool tool, string scope)
    {
        ToolAnnotations? annotations = tool.Annotations;
        var attributes = new JsonObject
        {
            ["server_id"] = serverId,
            ["tool_name"] = tool.Name,
            ["title"] = tool.Title,
            ["description"] = tool.Description,
            ["input_schema"] = Node(tool.InputSchema),
            ["output_schema"] = tool.OutputSchema is { } output ? Node(output) : null,
            ["annotations"] = annotations is null ? null : WithoutNulls(new JsonObject
            {
                ["title"] = annotations.Title,
                ["read_only_hint"] = annotations.ReadOnlyHint,
                ["destructive_hint"] = annotations.DestructiveHint,
                ["idempotent_hint"] = annotations.IdempotentHint,
                ["open_world_hint"] = annotations.OpenWorldHint,
            }),
        };
        return new DiscoveredAsset(AssetTypes.McpTool, ToolId(serverId, tool.Name), tool.Name, scope) { Attributes = WithoutNulls(attributes) };
    }

    public static DiscoveredAsset Resource(string serverId, Resource resource, string scope)
    {
        var attributes = new JsonObject
        {
            ["server_id"] = serverId,
            ["uri"] = resource.Uri,
            ["resource_name"] = resource.Name,
            ["title"] = resource.Title,
            ["description"] = resource.Description,
            ["mime_type"] = resource.MimeType,
            ["size"] = resource.Size,
        };
        return new DiscoveredAsset(AssetTypes.McpResource, ResourceId(serverId, resource.Uri), resource.Name, scope) { Attributes = WithoutNulls(attributes) };
    }

    public static DiscoveredAsset ResourceTemplate(string serverId, ResourceTemplate template, string scope)
    {
        var attributes = new JsonObject
        {
            ["server_id"] = serverId,
            ["uri_template"] = template.UriTemplate,
            ["template_name"] = template.Name,
            ["title"] = template.Title,
            ["description"] = template.Description,
            ["mime_type"] = template.MimeType,
        };
        return new DiscoveredAsset(AssetTypes.McpResourceTemplate, ResourceTemplateId(serverId, template.UriTemplate), template.Name, scope)
        {
            Attributes = WithoutNulls(attributes),
        };
    }

    public static DiscoveredAsset Prompt(string serverId, Prompt prompt, string scope)
    {
        var arguments = new JsonArray();
        foreach (PromptArgument argument in prompt.Arguments ?? [])
        {
            arguments.Add(WithoutNulls(new JsonObject
            {
                ["name"] = argument.Name,
                ["title"] = argument.Title,
                ["description"] = argument.Description,
                ["required"] = argument.Required,
            }));
        }

        var attributes = new JsonObject
        {
            ["server_id"] = serverId,
            ["prompt_name"] = prompt.Name,
            ["title"] = prompt.Title,
            ["description"] = prompt.Description,
            ["arguments"] = arguments,
        };
        return new DiscoveredAsset(AssetTypes.McpPrompt, PromptId(serverId, prompt.Name), prompt.Name, scope) { Attributes = WithoutNulls(attributes) };
    }

    private static JsonNode? Node(JsonElement element) =>
        element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : JsonNode.Parse(element.GetRawText());

    private static JsonObject WithoutNulls(JsonObject json)
    {
        foreach (string key in json.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            json.Remove(key);
        }

        return json;
    }
}

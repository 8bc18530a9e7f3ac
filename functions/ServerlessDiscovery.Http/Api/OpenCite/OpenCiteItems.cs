using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Domain.Mappings;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>
/// An asset as OpenCITE's clients read it: our asset document (AssetDocument.ToJson) with OpenCITE's item fields added
/// (discovery_source, metadata with integration_ids, usage_count, total_input_tokens, tools_used, models_used,
/// server_id, transport, tools_count, tools_connecting, ...). Where a field name means different things,
/// OpenCITE's meaning wins: <c>type</c> is OpenCITE's kind (a tool's application/service/..., a downstream system's
/// database/http/...), and our asset type moves to <c>asset_type</c>.
/// </summary>
internal static class OpenCiteItems
{
    /// <summary>The discovery_source of everything traces revealed, as OpenCITE names its OTLP plugin.</summary>
    public const string TraceSource = "opentelemetry";

    private static readonly HashSet<string> ToolKinds = new(["application", "service", "library", "agent", "chatbot", "unknown"], StringComparer.Ordinal);

    /// <summary>The item and the OpenCITE category it is listed under (a downstream system of a data kind is a data asset).</summary>
    public static (string Category, JsonObject Item) Categorised(Asset asset, AssetUsage? usage, TenantEstate estate)
    {
        JsonObject item = Item(asset, usage, estate);
        string assetType = asset.Type;
        return (AssetCategories.Of(assetType, assetType == AssetTypes.DownstreamSystem ? (string?)item["type"] : null), item);
    }

    public static JsonObject Item(Asset asset, AssetUsage? usage, TenantEstate estate)
    {
        JsonObject json = AssetDocument.ToJson(asset, usage);
        string assetType = asset.Type;
        string id = asset.Id;
        Dictionary<string, string> scalars = Scalars(json["attributes"] as JsonObject ?? []);
        string source = Provenance.IsTraceDerived(asset) ? TraceSource : asset.Instance;
        JsonObject? observed = json["observed"] as JsonObject;
        long invocations = observed?["invocations"]?.GetValue<long>() ?? 0;
        AssetRelations relations = estate.Relations;

        json["asset_type"] = assetType;
        json["discovery_source"] = source;
        var metadata = new JsonObject(scalars.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)))
        {
            ["integration_ids"] = new JsonArray(estate.Tenant),
            ["instance"] = asset.Instance,
        };
        json["metadata"] = metadata;

        // A mapping matches what the GUI shows and lets a user pick: the metadata's text values.
        Dictionary<string, string> matchable = Scalars(metadata);

        switch (assetType)
        {
            case AssetTypes.Tool:
                json["type"] = scalars.GetValueOrDefault("tool_type") is { } kind && ToolKinds.Contains(kind) ? kind : "unknown";
                json["models"] = relations.Outgoing(assetType, id, AssetTypes.Model);
                json["trace_count"] = invocations;
                Identify(json, "tool", estate.Mappings.Identify(source, matchable));
                break;
            case AssetTypes.Model or AssetTypes.GenerativeModel:
                json["provider"] = scalars.GetValueOrDefault("provider") ?? (id.IndexOf('/', StringComparison.Ordinal) is > 0 and int slash ? id[..slash] : null);
                json["usage_count"] = invocations;
                json["total_input_tokens"] = observed?["input_tokens"]?.GetValue<long>() ?? 0;
                json["total_output_tokens"] = observed?["output_tokens"]?.GetValue<long>() ?? 0;
                json["tools"] = new JsonArray([.. relations.Incoming(assetType, id, AssetTypes.Tool).Concat(relations.Incoming(assetType, id, AssetTypes.Agent)).Select(n => n!.DeepClone())]);
                break;
            case AssetTypes.Agent:
                json["tools_used"] = new JsonArray([.. relations.Outgoing(assetType, id, AssetTypes.Tool).Concat(relations.Outgoing(assetType, id, AssetTypes.McpTool)).Select(n => n!.DeepClone())]);
                json["models_used"] = relations.Outgoing(assetType, id, AssetTypes.Model);
                json["usage_count"] = invocations;
                Identify(json, "agent", estate.Mappings.Identify(source, matchable));
                break;
            case AssetTypes.DownstreamSystem:
                json["type"] = DownstreamKind(scalars);
                json["endpoint"] = Endpoint(scalars);
                json["tools_connecting"] = new JsonArray([.. relations.Incoming(assetType, id, AssetTypes.Tool).Concat(relations.Incoming(assetType, id, AssetTypes.Agent)).Select(n => n!.DeepClone())]);
                break;
            case AssetTypes.McpServer:
                JsonArray tools = relations.Outgoing(assetType, id, AssetTypes.McpTool);
                JsonArray resources = relations.Outgoing(assetType, id, AssetTypes.McpResource);
                json["transport"] = Transport(scalars.GetValueOrDefault("transport"));
                json["endpoint"] = Endpoint(scalars);
                json["tools_provided"] = tools;
                json["tools_count"] = tools.Count;
                json["resources_provided"] = resources;
                json["resources_count"] = resources.Count;
                break;
            case AssetTypes.McpTool:
                json["server_id"] = ServerOf(relations, assetType, id, scalars);
                json["usage"] = new JsonObject { ["call_count"] = invocations, ["invocations"] = invocations };
                break;
            case AssetTypes.McpResource or AssetTypes.McpResourceTemplate:
                json["server_id"] = ServerOf(relations, assetType, id, scalars);
                json["uri"] = scalars.GetValueOrDefault("uri") ?? scalars.GetValueOrDefault("uri_template") ?? asset.Name;
                json["type"] = assetType == AssetTypes.McpResourceTemplate ? "template" : scalars.GetValueOrDefault("mime_type") is null ? "resource" : "document";
                break;
            case AssetTypes.McpPrompt:
                json["server_id"] = ServerOf(relations, assetType, id, scalars);
                break;
            default:
                // Data assets, endpoints, deployments and identities: OpenCITE's type is the kind of thing it is.
                json["type"] = assetType;
                json["full_name"] = scalars.GetValueOrDefault("full_name") ?? id;
                if (scalars.GetValueOrDefault("owner") is { } owner)
                {
                    json["owner"] = owner;
                }

                break;
        }

        return json;
    }

    /// <summary>A downstream system's kind (database, messaging, rpc, http, ...), or unknown.</summary>
    internal static string DownstreamKind(IReadOnlyDictionary<string, string> scalars) =>
        scalars.GetValueOrDefault("type") ?? scalars.GetValueOrDefault("category") ?? scalars.GetValueOrDefault("kind") ?? "unknown";

    /// <summary>The attributes whose values are text, numbers or booleans, as text (OpenCITE's mapping compares text).</summary>
    internal static Dictionary<string, string> Scalars(JsonObject attributes)
    {
        var scalars = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string key, JsonNode? value) in attributes)
        {
            if (Text(value) is { } text)
            {
                scalars[key] = text;
            }
        }

        return scalars;
    }

    /// <summary>A text, number or true/false value as text; null for anything else.</summary>
    internal static string? Text(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        }
        : null;

    /// <summary>OpenCITE's transports are stdio, http, sse or unknown; Streamable HTTP is http.</summary>
    private static string Transport(string? transport) => transport?.ToLowerInvariant() switch
    {
        "stdio" => "stdio",
        "sse" => "sse",
        "http" or "streamable_http" or "streamable-http" or "streamablehttp" => "http",
        _ => "unknown",
    };

    private static string? Endpoint(IReadOnlyDictionary<string, string> scalars) =>
        scalars.GetValueOrDefault("endpoint") is { } e && (e.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || e.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            ? e
            : scalars.GetValueOrDefault("url") ?? scalars.GetValueOrDefault("server_address");

    private static string? ServerOf(AssetRelations relations, string type, string id, IReadOnlyDictionary<string, string> scalars) =>
        relations.Incoming(type, id, AssetTypes.McpServer) is [{ } first, ..] ? first.GetValue<string>()
        : scalars.GetValueOrDefault("server_id") ?? scalars.GetValueOrDefault("server");

    /// <summary>A mapping's identity as OpenCITE shows it: {kind}_source_name and {kind}_source_id, also in metadata.</summary>
    private static void Identify(JsonObject json, string kind, ToolMapping? mapping)
    {
        if (mapping is null)
        {
            return;
        }

        json[$"{kind}_source_name"] = mapping.SourceName;
        json[$"{kind}_source_id"] = mapping.SourceId;
        json["metadata"]![$"{kind}_source_name"] = mapping.SourceName;
        json["metadata"]![$"{kind}_source_id"] = mapping.SourceId;
        json["mapping_id"] = mapping.Id;
    }
}

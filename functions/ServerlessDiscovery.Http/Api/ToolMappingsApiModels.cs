using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServerlessDiscovery.Domain.Mappings;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// A tool mapping as the API shows it: OpenCITE's fields (plugin_name, attributes, identity with its source_name and
/// the source_id OpenCITE would derive, match_type) with its id and when it was made. Attribute values are text, as
/// they are compared.
/// </summary>
internal sealed record ToolMappingReply(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("plugin_name")] string PluginName,
    [property: JsonPropertyName("attributes")] IReadOnlyDictionary<string, string> Attributes,
    [property: JsonPropertyName("identity")] ToolIdentityReply Identity,
    [property: JsonPropertyName("match_type")] string MatchType,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt)
{
    public static ToolMappingReply From(ToolMapping m) =>
        new(m.Id, m.PluginName, m.Attributes, new ToolIdentityReply(m.SourceName, m.SourceId), m.MatchType, m.CreatedAt);
}

/// <summary>The named source a mapping identifies matching assets as.</summary>
internal sealed record ToolIdentityReply(
    [property: JsonPropertyName("source_name")] string SourceName,
    [property: JsonPropertyName("source_id")] string SourceId);

/// <summary>POST /map-tool: OpenCITE's <c>{success, mapping}</c>.</summary>
internal sealed record ToolMappingSaved(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("mapping")] ToolMappingReply Mapping);

/// <summary>GET /map-tool: the tenant's mappings, oldest first (the first that matches identifies an asset), and their count.</summary>
internal sealed record ToolMappingList(
    [property: JsonPropertyName("mappings")] IReadOnlyList<ToolMappingReply> Mappings,
    [property: JsonPropertyName("count")] int Count);

/// <summary>DELETE /map-tool/{id}: <c>{success, removed}</c>, removed false for an id the tenant does not have.</summary>
internal sealed record ToolMappingDeleted(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("removed")] bool Removed);

/// <summary>
/// POST /map-tool: the body OpenCITE's GUI sends (<c>identity.source_name</c>) or its REST reference shows
/// (<c>identity.tool_name</c>). Described for the OpenAPI document; the handler reads the body itself so that every
/// field's problem is reported at once, by name (<see cref="ApiRequest"/>).
/// </summary>
internal sealed record ToolMappingRequest
{
    [JsonPropertyName("plugin_name")] public required string PluginName { get; init; }

    /// <summary>1 to 32 attribute names, each with a text, number or true/false value (compared as text).</summary>
    [JsonPropertyName("attributes")] public required IReadOnlyDictionary<string, JsonValue> Attributes { get; init; }

    [JsonPropertyName("identity")] public required ToolIdentityRequest Identity { get; init; }

    /// <summary><c>all</c> (the default: every attribute must match) or <c>any</c> (one is enough).</summary>
    [JsonPropertyName("match_type")] public string? MatchType { get; init; }
}

/// <summary>The source to identify matching assets as: <c>source_name</c>, or the REST reference's <c>tool_name</c> when it is absent.</summary>
internal sealed record ToolIdentityRequest
{
    [JsonPropertyName("source_name")] public string? SourceName { get; init; }

    [JsonPropertyName("tool_name")] public string? ToolName { get; init; }
}

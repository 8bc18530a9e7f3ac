using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>
/// POST /export: OpenCITE's export document (its schema/opencite-schema.json, "programmatic export"): the schema
/// version, the export time as OpenCITE writes it (UTC, microseconds, <c>Z</c>), metadata, the credited plugins and the
/// schema's lists (tools, models, data_assets, mcp_servers, mcp_tools, mcp_resources), then the lists OpenCITE appends
/// (agents, downstream_systems, identities, mcp_prompts), and ours: relationships, tenant, count, truncated. Items are
/// OpenCITE's items with ours inside (<see cref="OpenCiteItems"/>), each shaped to its schema definition.
/// </summary>
internal sealed record OpenCiteExportDocument(
    [property: JsonPropertyName("opencite_version")] string OpenCiteVersion,
    [property: JsonPropertyName("export_timestamp")] string ExportTimestamp,
    [property: JsonPropertyName("metadata")] OpenCiteExportMetadata Metadata,
    [property: JsonPropertyName("plugins")] IReadOnlyList<OpenCiteExportPlugin> Plugins,
    [property: JsonPropertyName("tools")] IReadOnlyList<JsonObject> Tools,
    [property: JsonPropertyName("models")] IReadOnlyList<JsonObject> Models,
    [property: JsonPropertyName("data_assets")] IReadOnlyList<JsonObject> DataAssets,
    [property: JsonPropertyName("mcp_servers")] IReadOnlyList<JsonObject> McpServers,
    [property: JsonPropertyName("mcp_tools")] IReadOnlyList<JsonObject> McpTools,
    [property: JsonPropertyName("mcp_resources")] IReadOnlyList<JsonObject> McpResources,
    [property: JsonPropertyName("agents")] IReadOnlyList<JsonObject> Agents,
    [property: JsonPropertyName("downstream_systems")] IReadOnlyList<JsonObject> DownstreamSystems,
    [property: JsonPropertyName("identities")] IReadOnlyList<JsonObject> Identities,
    [property: JsonPropertyName("mcp_prompts")] IReadOnlyList<JsonObject> McpPrompts,
    [property: JsonPropertyName("relationships")] IReadOnlyList<JsonObject> Relationships,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>The export's metadata: when and by what it was made, the credited plugins again, and the statistics.</summary>
internal sealed record OpenCiteExportMetadata(
    [property: JsonPropertyName("generated_at")] DateTimeOffset GeneratedAt,
    [property: JsonPropertyName("generated_by")] string GeneratedBy,
    [property: JsonPropertyName("plugins")] IReadOnlyList<OpenCiteExportPlugin> Plugins,
    [property: JsonPropertyName("statistics")] OpenCiteExportStatistics Statistics);

/// <summary>A credited plugin: its type name and the schema version.</summary>
internal sealed record OpenCiteExportPlugin(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("version")] string Version);

/// <summary>OpenCITE's statistics: totals, models by provider and tools and models by discovery source (names in ordinal order).</summary>
internal sealed record OpenCiteExportStatistics(
    [property: JsonPropertyName("total_tools")] int TotalTools,
    [property: JsonPropertyName("total_models")] int TotalModels,
    [property: JsonPropertyName("total_data_assets")] int TotalDataAssets,
    [property: JsonPropertyName("total_traces")] int TotalTraces,
    [property: JsonPropertyName("by_provider")] IReadOnlyDictionary<string, int> ByProvider,
    [property: JsonPropertyName("by_discovery_source")] IReadOnlyDictionary<string, int> ByDiscoverySource);

/// <summary>
/// POST /export: OpenCITE's GUI body, optional. <c>plugins</c> names the plugin types to credit (its status document's
/// plugins_enabled; all the tenant's when absent); <c>integration_id</c>, when given, must name the request's tenant.
/// Described for the OpenAPI document; the handler reads the body itself (<see cref="ApiRequest"/>).
/// </summary>
internal sealed record OpenCiteExportRequest
{
    [JsonPropertyName("plugins")] public IReadOnlyList<string>? Plugins { get; init; }

    [JsonPropertyName("integration_id")] public string? IntegrationId { get; init; }
}

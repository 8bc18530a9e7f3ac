using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /assets: OpenCITE's grouped document: every category's items (OpenCITE's item fields, ours inside), the lineage
/// among them, totals per category, and ours (tenant, limit, whether it was truncated, the paged listing's path).
/// </summary>
internal sealed record GroupedAssetsReply(
    [property: JsonPropertyName("assets")] IReadOnlyDictionary<string, IReadOnlyList<JsonObject>> Assets,
    [property: JsonPropertyName("lineage")] IReadOnlyList<JsonObject> Lineage,
    [property: JsonPropertyName("totals")] IReadOnlyDictionary<string, int> Totals,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("discovering")] bool Discovering,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("limit")] int Limit,
    [property: JsonPropertyName("truncated")] bool Truncated,
    [property: JsonPropertyName("lineage_truncated")] bool LineageTruncated,
    [property: JsonPropertyName("inventory")] string Inventory);

/// <summary>GET /tools and /mcp/tools: OpenCITE's <c>{tools, count}</c>, and whether the list was truncated.</summary>
internal sealed record ToolList(
    [property: JsonPropertyName("tools")] IReadOnlyList<JsonObject> Tools,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>GET /models: OpenCITE's <c>{models, count}</c>, and whether the list was truncated.</summary>
internal sealed record ModelList(
    [property: JsonPropertyName("models")] IReadOnlyList<JsonObject> Models,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>GET /agents: OpenCITE's <c>{agents, count}</c>, and whether the list was truncated.</summary>
internal sealed record AgentList(
    [property: JsonPropertyName("agents")] IReadOnlyList<JsonObject> Agents,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>GET /downstream: OpenCITE's <c>{downstream_systems, count}</c>, and whether the list was truncated.</summary>
internal sealed record DownstreamList(
    [property: JsonPropertyName("downstream_systems")] IReadOnlyList<JsonObject> DownstreamSystems,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>GET /mcp/servers: OpenCITE's <c>{servers, count}</c>, and whether the list was truncated.</summary>
internal sealed record McpServerList(
    [property: JsonPropertyName("servers")] IReadOnlyList<JsonObject> Servers,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>GET /lineage: OpenCITE's <c>{relationships, count}</c>, and whether the list was truncated.</summary>
internal sealed record LineageReply(
    [property: JsonPropertyName("relationships")] IReadOnlyList<JsonObject> Relationships,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("truncated")] bool Truncated);

/// <summary>
/// GET /assets/{type}/{id}: one asset in its API form (as change events carry it), merged over the instances that saw
/// it: the declared sighting, else the newest, supplies name and attributes; first/last seen and state span them all;
/// <c>sources</c> lists each sighting. Fields without a value are sent as null; <c>usage</c> (trace-derived assets) and
/// <c>reason</c> with <c>state_changed_at</c> (tombstones) only when the asset has them.
/// </summary>
internal sealed record AssetReply(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Name,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Scope,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("first_seen"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? FirstSeen,
    [property: JsonPropertyName("last_seen"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSeen,
    [property: JsonPropertyName("last_changed"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastChanged,
    [property: JsonPropertyName("attributes")] JsonObject Attributes,
    [property: JsonPropertyName("attribute_sources")] JsonObject AttributeSources,
    [property: JsonPropertyName("provenance")] string Provenance,
    [property: JsonPropertyName("observed"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonObject? Observed,
    [property: JsonPropertyName("metadata")] AssetMetadata Metadata,
    [property: JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] AssetUsageReply? Usage,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonPropertyName("state_changed_at"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? StateChangedAt,
    [property: JsonPropertyName("sources")] IReadOnlyList<AssetSighting> Sources)
{
    /// <summary>
    /// The reply for the sightings of one asset, <paramref name="primary"/> first among them (it supplies name, scope,
    /// attributes, version and provenance; <paramref name="usage"/> is its usage when traces resolved to it).
    /// </summary>
    public static AssetReply Merge(IReadOnlyList<Asset> sightings, AssetUsage? usage)
    {
        Asset primary = sightings[0];
        string state = sightings.Any(a => a.State == AssetState.Active) ? AssetState.Active
            : sightings.Any(a => a.State == AssetState.Stale) ? AssetState.Stale : AssetState.Deleted;
        return new AssetReply(
            primary.Type,
            primary.Id,
            primary.Name,
            primary.Tenant,
            primary.Scope,
            state,
            primary.Version,
            sightings.Min(a => a.FirstSeen),
            sightings.Max(a => a.LastSeen),
            primary.LastChanged,
            primary.Attributes,
            Engine.Inventory.Provenance.AttributeSources(primary),
            Engine.Inventory.Provenance.Of(primary, usage),
            Engine.Inventory.Provenance.ObservedJson(primary, usage),
            new AssetMetadata([primary.Tenant]),
            primary.Usage is { } counted ? new AssetUsageReply(counted.Invocations, counted.InputTokens, counted.OutputTokens, counted.LastInvoked) : null,
            primary.Reason,
            primary.Reason is null ? null : primary.StateChangedAt,
            [.. sightings.Select(a => new AssetSighting(a.Instance, a.Version, a.State, a.FirstSeen, a.LastSeen))]);
    }
}

/// <summary>OpenCITE's item metadata: the integrations (tenants here) the asset belongs to, which its clients filter by.</summary>
internal sealed record AssetMetadata(
    [property: JsonPropertyName("integration_ids")] IReadOnlyList<string> IntegrationIds);

/// <summary>Usage counted on a trace-derived asset.</summary>
internal sealed record AssetUsageReply(
    [property: JsonPropertyName("invocations")] long Invocations,
    [property: JsonPropertyName("input_tokens")] long InputTokens,
    [property: JsonPropertyName("output_tokens")] long OutputTokens,
    [property: JsonPropertyName("last_invoked"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastInvoked);

/// <summary>One instance's sighting of an asset.</summary>
internal sealed record AssetSighting(
    [property: JsonPropertyName("instance")] string Instance,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("state"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? State,
    [property: JsonPropertyName("first_seen"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? FirstSeen,
    [property: JsonPropertyName("last_seen"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? LastSeen);

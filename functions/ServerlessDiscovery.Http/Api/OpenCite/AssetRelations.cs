using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>One end of a relationship as seen from an asset: the relationship and the asset at the other end.</summary>
internal readonly record struct Related(string Relationship, string Type, string Id);

/// <summary>
/// The relationships of a set of edges indexed by asset, both ways, so an item can list what it uses
/// (<c>models_used</c>, <c>tools_used</c>) and what uses it (<c>tools_connecting</c>, the MCP server of a tool).
/// The same relationship reported by several instances counts once.
/// </summary>
internal sealed class AssetRelations
{
    private readonly Dictionary<(string Type, string Id), HashSet<Related>> _outgoing = [];
    private readonly Dictionary<(string Type, string Id), HashSet<Related>> _incoming = [];

    public AssetRelations(IEnumerable<Edge> edges)
    {
        foreach (Edge edge in edges)
        {
            Add(_outgoing, (edge.SourceType, edge.SourceId), new Related(edge.Relationship, edge.TargetType, edge.TargetId));
            Add(_incoming, (edge.TargetType, edge.TargetId), new Related(edge.Relationship, edge.SourceType, edge.SourceId));
        }
    }

    /// <summary>Ids of the assets of <paramref name="type"/> this asset points to, sorted.</summary>
    public JsonArray Outgoing(string type, string id, string otherType, string? relationship = null) =>
        Ids(_outgoing, type, id, otherType, relationship);

    /// <summary>Ids of the assets of <paramref name="type"/> that point to this asset, sorted.</summary>
    public JsonArray Incoming(string type, string id, string otherType, string? relationship = null) =>
        Ids(_incoming, type, id, otherType, relationship);

    /// <summary>
    /// A relationship in OpenCITE's lineage shape (source_id, source_type, target_id, target_type,
    /// relationship_type, weight, first_seen, last_seen) with ours (relationship, instance, state) inside.
    /// Weight is 1: the inventory records that a relationship exists, not how often it was seen.
    /// </summary>
    public static JsonObject ToOpenCite(Edge edge)
    {
        JsonObject json = EdgeDocument.ToJson(edge);
        json["relationship_type"] = edge.Relationship;
        json["weight"] = 1;
        // The edge's last write: a relationship is rewritten when a scan or trace reports it again after a change.
        json["last_seen"] = edge.Written is { } written && (edge.StateChangedAt is null || written > edge.StateChangedAt) ? written : edge.StateChangedAt;
        return json;
    }

    private static JsonArray Ids(Dictionary<(string, string), HashSet<Related>> index, string type, string id, string otherType, string? relationship) =>
        index.TryGetValue((type, id), out HashSet<Related>? related)
            ? new JsonArray([.. related.Where(r => r.Type == otherType && (relationship is null || r.Relationship == relationship))
                .Select(r => r.Id).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(i => (JsonNode?)i)])
            : [];

    private static void Add(Dictionary<(string, string), HashSet<Related>> index, (string, string) key, Related related)
    {
        if (!index.TryGetValue(key, out HashSet<Related>? set))
        {
            index[key] = set = [];
        }

        set.Add(related);
    }
}

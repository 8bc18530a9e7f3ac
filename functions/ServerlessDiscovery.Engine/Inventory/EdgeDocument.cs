using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An edge's JSON form in the API.</summary>
public static class EdgeDocument
{
    public static JsonObject ToJson(Edge edge) => new()
    {
        ["source_type"] = edge.SourceType,
        ["source_id"] = edge.SourceId,
        ["relationship"] = edge.Relationship,
        ["target_type"] = edge.TargetType,
        ["target_id"] = edge.TargetId,
        ["instance"] = edge.Instance,
        ["state"] = edge.State,
        ["first_seen"] = edge.FirstSeen,
    };
}

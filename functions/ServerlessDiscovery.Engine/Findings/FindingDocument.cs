using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>A finding as the API and its CloudEvents show it.</summary>
public static class FindingDocument
{
    public static JsonObject ToJson(TrackedFinding tracked) => new()
    {
        ["id"] = tracked.Key,
        ["kind"] = tracked.Finding.Kind,
        ["state"] = tracked.State,
        ["subject"] = new JsonObject
        {
            ["type"] = tracked.Finding.SubjectType,
            ["id"] = tracked.Finding.SubjectId,
            ["instance"] = tracked.Finding.Instance,
        },
        ["reason"] = tracked.Finding.Reason,
        ["evidence"] = tracked.Finding.Evidence.DeepClone(),
        ["opened_at"] = tracked.OpenedAt,
        ["updated_at"] = tracked.UpdatedAt,
        ["resolved_at"] = tracked.ResolvedAt,
    };
}

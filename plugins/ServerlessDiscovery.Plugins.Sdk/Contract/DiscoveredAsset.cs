using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins;

/// <summary>
/// One asset as a source reports it. <see cref="Id"/> is derived from the source's own identity (an ARN, a resource id,
/// an endpoint URL, a normalised name), never from a per-process value, so it is the same on every scan.
/// </summary>
public sealed record DiscoveredAsset(string Type, string Id, string Name, string Scope)
{
    /// <summary>Provider-specific fields. Only content that means a real change belongs here (no fetch times).</summary>
    public JsonObject Attributes { get; init; } = [];
}

/// <summary>A relationship between two assets, e.g. (deployment, X) serves (model, Y).</summary>
public sealed record DiscoveredEdge(string SourceType, string SourceId, string Relationship, string TargetType, string TargetId, string Scope);

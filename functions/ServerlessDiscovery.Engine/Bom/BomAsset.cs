using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>
/// One asset as the BOM sees it: its JSON form (<see cref="AssetDocument.ToJson"/>, so whatever the asset carries, provenance
/// and observed use included, reaches the BOM) merged over the instances that saw it, as GET /api/v1/assets/{type}/{id} merges.
/// </summary>
internal sealed class BomAsset
{
    private readonly SortedSet<string> _instances = new(StringComparer.Ordinal);

    private BomAsset(string type, string id, JsonObject json)
    {
        Type = type;
        Id = id;
        Json = json;
    }

    public string Type { get; }

    public string Id { get; }

    /// <summary>The stable identity: type and id, the asset's path under /api/v1/assets/.</summary>
    public string Ref => BomRefs.Of(Type, Id);

    /// <summary>The newest sighting's JSON: it supplies name, attributes and the other blocks.</summary>
    public JsonObject Json { get; private set; }

    public string Name => Json["name"]?.GetValue<string>() is { Length: > 0 } name ? name : Id;

    public JsonObject Attributes => Json["attributes"] as JsonObject ?? [];

    public IReadOnlyCollection<string> Instances => _instances;

    public string State { get; private set; } = AssetState.Active;

    public DateTimeOffset? FirstSeen { get; private set; }

    public DateTimeOffset? LastSeen { get; private set; }

    private DateTimeOffset? LastChanged { get; set; }

    public static BomAsset From(JsonObject json)
    {
        var asset = new BomAsset(json["type"]!.GetValue<string>(), json["id"]!.GetValue<string>(), json)
        {
            State = json["state"]?.GetValue<string>() ?? AssetState.Active,
            FirstSeen = Time(json, "first_seen"),
            LastSeen = Time(json, "last_seen"),
            LastChanged = Time(json, "last_changed"),
        };
        if (json["instance"]?.GetValue<string>() is { } instance)
        {
            asset._instances.Add(instance);
        }

        return asset;
    }

    /// <summary>Adds another instance's sighting of the same asset.</summary>
    public void Merge(BomAsset other)
    {
        if (Nullable.Compare(other.LastChanged, LastChanged) > 0)
        {
            Json = other.Json;
            LastChanged = other.LastChanged;
        }

        _instances.UnionWith(other._instances);
        FirstSeen = Min(FirstSeen, other.FirstSeen);
        LastSeen = Nullable.Compare(other.LastSeen, LastSeen) > 0 ? other.LastSeen : LastSeen;
        State = State == AssetState.Active || other.State == AssetState.Active ? AssetState.Active : AssetState.Stale;
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Time(JsonObject json, string name) => json[name] is JsonValue v && v.TryGetValue(out DateTimeOffset t) ? t : null;
}

/// <summary>bom-ref values: an asset's type and stable id.</summary>
internal static class BomRefs
{
    public static string Of(string type, string id) => type + "/" + id;
}

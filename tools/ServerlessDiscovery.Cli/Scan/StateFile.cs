using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>
/// The inventory `sd scan --state FILE` keeps between runs: per instance, every asset with its content hash, state,
/// version and first/last seen (never configuration or secrets). Written to a temporary file and moved into place, so
/// an interrupted run leaves the previous state whole.
/// </summary>
internal static class StateFile
{
    private const int FormatVersion = 1;

    public static Dictionary<string, IReadOnlyList<SnapshotAsset>> Load(string path)
    {
        var state = new Dictionary<string, IReadOnlyList<SnapshotAsset>>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return state;
        }

        try
        {
            JsonObject root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsObject();
            if (root["version"]?.GetValue<int>() != FormatVersion)
            {
                throw new SdConfigurationException($"--state: {path} is not a state file of this sd version (format {FormatVersion}).");
            }

            foreach ((string instance, JsonNode? assets) in root["instances"]!.AsObject())
            {
                state[instance] = [.. assets!.AsArray().Select(a => Read(a!.AsObject()))];
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new SdConfigurationException($"--state: {path} is not a state file written by sd scan ({ex.Message}). Move it away to start afresh.");
        }

        return state;
    }

    public static void Save(string path, IReadOnlyDictionary<string, IReadOnlyList<SnapshotAsset>> state)
    {
        var instances = new JsonObject();
        foreach ((string instance, IReadOnlyList<SnapshotAsset> assets) in state.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            instances[instance] = new JsonArray([.. assets.Select(a => (JsonNode?)ToJson(a))]);
        }

        var root = new JsonObject { ["version"] = FormatVersion, ["instances"] = instances };
        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString());
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>An asset as the state file and `--output json` hold it.</summary>
    public static JsonObject ToJson(SnapshotAsset a) => new()
    {
        ["type"] = a.Type,
        ["id"] = a.Id,
        ["name"] = a.Name,
        ["scope"] = a.Scope,
        ["state"] = a.State,
        ["reason"] = a.Reason,
        ["version"] = a.Version,
        ["hash"] = a.Hash,
        ["first_seen"] = a.FirstSeen,
        ["last_seen"] = a.LastSeen,
        ["attributes"] = a.Attributes.DeepClone(),
    };

    private static SnapshotAsset Read(JsonObject o) => new()
    {
        Type = o["type"]!.GetValue<string>(),
        Id = o["id"]!.GetValue<string>(),
        Name = o["name"]!.GetValue<string>(),
        Scope = o["scope"]!.GetValue<string>(),
        State = o["state"]!.GetValue<string>(),
        Reason = o["reason"]?.GetValue<string>(),
        Version = o["version"]!.GetValue<long>(),
        Hash = o["hash"]!.GetValue<string>(),
        FirstSeen = o["first_seen"]!.GetValue<DateTimeOffset>(),
        LastSeen = o["last_seen"]!.GetValue<DateTimeOffset>(),
        Attributes = (JsonObject)o["attributes"]!.DeepClone(),
    };
}

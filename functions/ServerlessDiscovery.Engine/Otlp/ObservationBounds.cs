using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.OpenTelemetry;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Engine.Otlp;

/// <summary>
/// Bounds every value of an extraction before it is journaled, so no span can make an asset row the table refuses
/// (a string property holds 32K characters, an entity 1 MiB): ids and names are cut with a visible marker (an id keeps
/// a hash of the whole, so two long ids stay two assets, the same on every host), each attribute value is cut, and
/// the largest attributes are dropped, and listed, when an asset's attributes are still too large together.
/// </summary>
public static class ObservationBounds
{
    public const int MaxIdChars = 1024;
    public const int MaxNameChars = 1024;
    public const int MaxValueChars = 4096;
    public const int MaxAttributesChars = 32 * 1024;

    /// <summary>The attribute that lists attributes dropped for size.</summary>
    public const string DroppedAttributes = "sd.dropped_attributes";

    public static TraceExtraction Apply(TraceExtraction extraction)
    {
        ArgumentNullException.ThrowIfNull(extraction);
        var usage = new Dictionary<AssetKey, AssetUsage>(extraction.Usage.Count);
        foreach ((AssetKey key, AssetUsage value) in extraction.Usage)
        {
            var bounded = new AssetKey(key.Type, Id(key.Id));
            if (usage.TryGetValue(bounded, out AssetUsage? existing))
            {
                existing.Add(value);
            }
            else
            {
                usage[bounded] = value;
            }
        }

        return extraction with
        {
            Assets = [.. extraction.Assets.Select(Asset)],
            Edges = [.. extraction.Edges.Select(e => e with { SourceId = Id(e.SourceId), TargetId = Id(e.TargetId), Relationship = Cut(e.Relationship, MaxNameChars) })],
            Usage = usage,
        };
    }

    public static DiscoveredAsset Asset(DiscoveredAsset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        bool small = asset.Id.Length <= MaxIdChars && asset.Name.Length <= MaxNameChars && asset.Attributes.ToJsonString().Length <= MaxAttributesChars;
        return small ? asset : asset with { Id = Id(asset.Id), Name = Cut(asset.Name, MaxNameChars), Attributes = Attributes(asset.Attributes) };
    }

    /// <summary>An id cut to <see cref="MaxIdChars"/>, ending in a marker with a hash of the whole id.</summary>
    public static string Id(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.Length <= MaxIdChars)
        {
            return id;
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)))[..16];
        string marker = $"…[truncated {id.Length} chars, sha256 {hash}]";
        return SafePrefix(id, MaxIdChars - marker.Length) + marker;
    }

    /// <summary>Text cut to <paramref name="max"/> characters, ending in a marker naming how much was cut.</summary>
    public static string Cut(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= max)
        {
            return text;
        }

        string marker = $"…[truncated {text.Length - max} of {text.Length} chars]";
        return SafePrefix(text, max - marker.Length) + marker;
    }

    private static JsonObject Attributes(JsonObject attributes)
    {
        var bounded = new List<(string Key, JsonNode? Value, int Size)>();
        foreach ((string key, JsonNode? value) in attributes)
        {
            JsonNode? cut = value switch
            {
                JsonValue v when v.TryGetValue(out string? s) => Cut(s, MaxValueChars),
                null => null,
                _ => value.ToJsonString() is { } json && json.Length > MaxValueChars ? Cut(json, MaxValueChars) : value.DeepClone(),
            };
            string boundedKey = Cut(key, 256);
            bounded.Add((boundedKey, cut, boundedKey.Length + (cut?.ToJsonString().Length ?? 4)));
        }

        var result = new JsonObject();
        var dropped = new JsonArray();
        int total = 0;
        // Smallest first, so one huge attribute cannot push out many small ones.
        foreach ((string key, JsonNode? value, int size) in bounded.OrderBy(b => b.Size).ThenBy(b => b.Key, StringComparer.Ordinal))
        {
            if (total + size > MaxAttributesChars - 2048 || result.ContainsKey(key))
            {
                if (dropped.Count < 32)
                {
                    dropped.Add(Cut(key, 64));
                }

                continue;
            }

            result[key] = value;
            total += size;
        }

        if (dropped.Count > 0)
        {
            result[DroppedAttributes] = dropped;
        }

        return result;
    }

    private static string SafePrefix(string text, int length)
    {
        // Never split a surrogate pair: half a pair is not valid UTF-16 text.
        if (length > 0 && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text[..length];
    }
}

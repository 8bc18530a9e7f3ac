using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Domain.Mappings;

/// <summary>
/// One tool identity mapping (OpenCITE's map-tool): assets reported by <see cref="PluginName"/> whose attributes
/// match <see cref="Attributes"/> (all of them, or any one with <see cref="MatchType"/> "any") are identified as
/// <see cref="SourceName"/>.
/// </summary>
public sealed record ToolMapping(
    string Id, string PluginName, IReadOnlyDictionary<string, string> Attributes, string MatchType, string SourceName, string SourceId, DateTimeOffset CreatedAt)
{
    public const string MatchAll = "all";
    public const string MatchAny = "any";

    /// <summary>
    /// The mapping's id: the same plugin, attributes and match type give the same id, so saving a mapping again replaces
    /// its identity instead of adding a second one that could never match first.
    /// </summary>
    public static string IdFor(string pluginName, IReadOnlyDictionary<string, string> attributes, string matchType)
    {
        var canonical = new JsonObject { ["p"] = pluginName, ["m"] = matchType, ["a"] = new JsonObject(attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))) };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToJsonString())))[..24];
    }

    /// <summary>
    /// The identity's source id as OpenCITE derives it: a name-based UUID (RFC 9562 version 5) of "{plugin}:{source name}"
    /// in OpenCITE's mapping namespace, so a mapping made here names the same source id it would there.
    /// </summary>
    public static string SourceIdFor(string pluginName, string sourceName)
    {
        byte[] name = Encoding.UTF8.GetBytes($"{pluginName}:{sourceName}");
        byte[] input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
#pragma warning disable CA5350 // RFC 9562 defines version 5 over SHA-1; it names, it does not protect.
        byte[] hash = SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    private static readonly Guid Namespace = Guid.Parse("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");

    /// <summary>OpenCITE's identify(): "any" needs one attribute equal, "all" (the default) needs every one.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> attributes) =>
        MatchType == MatchAny
            ? Attributes.Any(a => attributes.TryGetValue(a.Key, out string? v) && v == a.Value)
            : Attributes.All(a => attributes.TryGetValue(a.Key, out string? v) && v == a.Value);
}

/// <summary>A tenant's mappings, oldest first: the first that matches identifies the asset, as in OpenCITE.</summary>
public sealed class ToolMappingSet(IReadOnlyList<ToolMapping> mappings)
{
    public static ToolMappingSet Empty { get; } = new([]);

    public IReadOnlyList<ToolMapping> All { get; } = mappings;

    public ToolMapping? Identify(string? pluginName, IReadOnlyDictionary<string, string> attributes) =>
        pluginName is null ? null : All.FirstOrDefault(m => m.PluginName == pluginName && m.Matches(attributes));
}

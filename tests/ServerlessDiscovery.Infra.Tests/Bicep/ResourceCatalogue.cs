using System.IO.Compression;
using System.Text.Json;

namespace ServerlessDiscovery.Infra.Tests.Bicep;

/// <summary>
/// shared/azure/azure-resource-types.json.gz: "namespace/type@version" (lower case) to the writable property paths
/// of that type, three levels deep, "*" for map keys and "[]" for array items.
/// </summary>
internal sealed class ResourceCatalogue
{
    private static readonly Lazy<ResourceCatalogue> LazyShared = new(() => Load(RepoPaths.AzureCatalogue));

    private readonly Dictionary<string, HashSet<string>> _types;

    private ResourceCatalogue(Dictionary<string, HashSet<string>> types) => _types = types;

    /// <summary>The depth the catalogue goes to; deeper paths cannot be checked.</summary>
    public const int Depth = 3;

    public static ResourceCatalogue Shared => LazyShared.Value;

    public int Count => _types.Count;

    public bool TryGetPaths(string key, out IReadOnlySet<string> paths)
    {
        bool found = _types.TryGetValue(key.ToLowerInvariant(), out HashSet<string>? set);
        paths = set ?? (IReadOnlySet<string>)new HashSet<string>();
        return found;
    }

    public IEnumerable<string> VersionsOf(string fullType)
    {
        string prefix = fullType.ToLowerInvariant() + "@";
        return _types.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).Order(StringComparer.Ordinal);
    }

    private static ResourceCatalogue Load(string path)
    {
        // A missing catalogue must fail the checks that need it, never let them pass.
        Assert.True(File.Exists(path), $"The Azure resource type catalogue is missing: {path}. It lives in shared/azure beside the repository; without it the Bicep templates cannot be checked.");
        using FileStream file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using JsonDocument doc = JsonDocument.Parse(gzip);
        var types = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (JsonProperty type in doc.RootElement.EnumerateObject())
        {
            types[type.Name] = [.. type.Value.EnumerateArray().Select(p => p.GetString()!)];
        }

        Assert.True(types.Count > 1000, $"The Azure resource type catalogue {path} holds only {types.Count} types; it looks truncated.");
        return new ResourceCatalogue(types);
    }
}

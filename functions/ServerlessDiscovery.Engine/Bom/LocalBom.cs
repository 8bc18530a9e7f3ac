using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>
/// The CycloneDX AI-BOM of a one-shot scan (`sd scan --output cyclonedx`): the same mapping, bom-refs, serial number and
/// properties as GET /api/v1/bom, over the assets and edges a scan holds in memory. With no store it has no version
/// history: version is 1, and the timestamp is the scan's. Last seen is left out (every scan would move it); first seen
/// comes from the state file, so with `--state` an unchanged estate keeps its serial number.
/// </summary>
public static class LocalBom
{
    public const string Tenant = "local";

    /// <summary>Writes the BOM of <paramref name="assets"/> (each with the instance that found it) and their edges.</summary>
    public static void Write(Stream stream, IEnumerable<(string Instance, SnapshotAsset Asset)> assets, IEnumerable<DiscoveredEdge> edges, DateTimeOffset scannedAt)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(edges);
        var graph = new BomGraph();
        foreach (DiscoveredEdge edge in edges)
        {
            graph.Add(edge.SourceType, edge.SourceId, edge.Relationship, edge.TargetType, edge.TargetId);
        }

        var elements = new SortedDictionary<string, BomAsset>(StringComparer.Ordinal);
        foreach ((string instance, SnapshotAsset asset) in assets)
        {
            if (asset.State == AssetState.Deleted || BomMapper.KindOf(asset.Type) == BomElementKind.Excluded)
            {
                continue;
            }

            BomAsset element = BomAsset.From(new JsonObject
            {
                ["type"] = asset.Type,
                ["id"] = asset.Id,
                ["name"] = asset.Name,
                ["instance"] = instance,
                ["state"] = asset.State,
                ["attributes"] = asset.Attributes.DeepClone(),
                ["provenance"] = "declared",
                ["first_seen"] = asset.FirstSeen,
                ["last_changed"] = asset.LastSeen,
            });
            if (elements.TryGetValue(element.Ref, out BomAsset? seen))
            {
                seen.Merge(element);
            }
            else
            {
                elements[element.Ref] = element;
            }
        }

        BomScope scope = BomScope.ForTenant(Tenant);
        string hash = BomExporter.ContentHash(scope, null, elements, graph);
        CycloneDxBom document = BomExporter.Compose(scope, null, elements, graph, BomSpecVersion.Default, hash, 1, scannedAt);
        JsonSerializer.Serialize(stream, document, BomJsonContext.Default.CycloneDxBom);
    }
}

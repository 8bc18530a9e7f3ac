using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>
/// The <c>serverlessdiscovery:</c> properties of a component or service (registered nowhere; the README lists them).
/// Blocks of the asset's JSON become properties by the table <see cref="Blocks"/>: when assets gain a block
/// (provenance, observed use), adding it there is the one change the BOM needs.
/// </summary>
internal static class BomProperties
{
    public const string Namespace = "serverlessdiscovery:";

    /// <summary>Asset JSON blocks written as properties: scalars as one property, objects one per member (name:member), arrays one per item.</summary>
    private static readonly (string Block, string Name)[] Blocks =
    [
        ("provenance", "provenance"),
        ("observed", "observed"),
        ("usage", "usage"),
    ];

    /// <summary>Prefixes of ids that are cloud resource ids: AWS ARNs, Azure resource ids, Google full resource names.</summary>
    private static readonly string[] CloudIdPrefixes = ["arn:", "/subscriptions/", "//"];

    public static IReadOnlyList<BomProperty> For(BomAsset asset)
    {
        var properties = new List<BomProperty> { new(Namespace + "asset_type", asset.Type) };
        if (asset.Attributes["kind"] is JsonValue kind && kind.GetValueKind() == JsonValueKind.String)
        {
            properties.Add(new(Namespace + "kind", kind.GetValue<string>()));
        }

        properties.Add(new(Namespace + "state", asset.State));
        if (CloudIdPrefixes.Any(p => asset.Id.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            properties.Add(new(Namespace + "cloud_resource_id", asset.Id));
        }

        properties.AddRange(asset.Instances.Select(i => new BomProperty(Namespace + "instance", i)));
        if (asset.FirstSeen is { } first)
        {
            properties.Add(new(Namespace + "first_seen", Text(first)));
        }

        if (asset.LastSeen is { } last)
        {
            properties.Add(new(Namespace + "last_seen", Text(last)));
        }

        foreach ((string block, string name) in Blocks)
        {
            Flatten(asset.Json[block], Namespace + name, properties);
        }

        return properties;
    }

    private static void Flatten(JsonNode? node, string name, List<BomProperty> into)
    {
        switch (node)
        {
            case null:
                return;
            case JsonObject obj:
                foreach ((string member, JsonNode? value) in obj)
                {
                    Flatten(value, name + ":" + member, into);
                }

                return;
            case JsonArray array:
                foreach (JsonNode? item in array)
                {
                    Flatten(item, name, into);
                }

                return;
            default:
                into.Add(new(name, Scalar(node.AsValue())));
                return;
        }
    }

    private static string Scalar(JsonValue value) =>
        value.TryGetValue(out string? s) ? s
        : value.TryGetValue(out DateTimeOffset t) ? Text(t)
        : value.ToJsonString();

    private static string Text(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

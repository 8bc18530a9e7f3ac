using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>How an asset appears in a BOM: a component of some CycloneDX type, a service, or not at all.</summary>
internal enum BomElementKind
{
    Excluded,
    Component,
    Service,
}

/// <summary>
/// Asset to CycloneDX, one table per decision: which types are services and which components (and of what type), which
/// attributes fill a model card, a supplier, a version, a description or a service's endpoints.
/// </summary>
internal static class BomMapper
{
    private const int MaxDescription = 4096;

    /// <summary>Asset type to element: (kind, CycloneDX component type, componentData type for data components).</summary>
    private static readonly Dictionary<string, (BomElementKind Kind, string? ComponentType, string? DataType)> Types = new(StringComparer.Ordinal)
    {
        [AssetTypes.Model] = (BomElementKind.Component, "machine-learning-model", null),
        [AssetTypes.GenerativeModel] = (BomElementKind.Component, "machine-learning-model", null),
        [AssetTypes.Agent] = (BomElementKind.Component, "application", null),
        [AssetTypes.Function] = (BomElementKind.Component, "application", null),
        [AssetTypes.DownstreamSystem] = (BomElementKind.Component, "data", "dataset"),
        [AssetTypes.Catalog] = (BomElementKind.Component, "data", "dataset"),
        [AssetTypes.Schema] = (BomElementKind.Component, "data", "dataset"),
        [AssetTypes.Table] = (BomElementKind.Component, "data", "dataset"),
        [AssetTypes.Volume] = (BomElementKind.Component, "data", "dataset"),
        [AssetTypes.McpResource] = (BomElementKind.Component, "data", "other"),
        [AssetTypes.McpResourceTemplate] = (BomElementKind.Component, "data", "other"),
        [AssetTypes.McpPrompt] = (BomElementKind.Component, "data", "definition"),
        [AssetTypes.Deployment] = (BomElementKind.Service, null, null),
        [AssetTypes.Endpoint] = (BomElementKind.Service, null, null),
        [AssetTypes.McpServer] = (BomElementKind.Service, null, null),
        [AssetTypes.Tool] = (BomElementKind.Service, null, null),
        [AssetTypes.McpTool] = (BomElementKind.Service, null, null),
        [AssetTypes.Principal] = (BomElementKind.Excluded, null, null),
    };

    /// <summary>Kinds of model provided by a platform rather than built in the estate: CycloneDX 1.7 marks them <c>isExternal</c>.</summary>
    private static readonly HashSet<string> ExternalModelKinds = new(StringComparer.Ordinal) { "foundation_model", "publisher_model", "external_model" };

    private static readonly string[] SupplierAttributes = ["provider", "providerName", "publisher"];
    private static readonly string[] VersionAttributes = ["version", "versionId", "model_version"];
    private static readonly string[] TaskAttributes = ["task", "mode"];
    private static readonly string[] ArchitectureAttributes = ["architecture", "modelArchitecture"];
    private static readonly string[] InputAttributes = ["inputModalities", "input_modalities"];
    private static readonly string[] OutputAttributes = ["outputModalities", "output_modalities"];
    private static readonly string[] EndpointAttributes = ["url", "inference_uri", "endpoint_url", "api_base"];

    /// <summary>Unknown types are components of type application: included rather than lost.</summary>
    public static BomElementKind KindOf(string assetType) => Types.TryGetValue(assetType, out var t) ? t.Kind : BomElementKind.Component;

    public static BomComponent ToComponent(BomAsset asset, BomSpecVersion spec)
    {
        (_, string? componentType, string? dataType) = Types.TryGetValue(asset.Type, out var t) ? t : (BomElementKind.Component, "application", null);
        JsonObject attributes = asset.Attributes;
        bool model = componentType == "machine-learning-model";
        return new BomComponent(componentType!, asset.Ref, asset.Name)
        {
            Supplier = First(attributes, SupplierAttributes) is { } supplier ? new BomOrganization(supplier) : null,
            Version = First(attributes, VersionAttributes),
            Description = Description(attributes),
            IsExternal = model && spec.HasIsExternal && First(attributes, ["kind"]) is { } kind && ExternalModelKinds.Contains(kind) ? true : null,
            ModelCard = model ? ModelCard(attributes) : null,
            Data = dataType is null ? null : [new BomComponentData(dataType, asset.Name)],
            Properties = BomProperties.For(asset),
        };
    }

    public static BomService ToService(BomAsset asset)
    {
        JsonObject attributes = asset.Attributes;
        IReadOnlyList<string> endpoints = [.. EndpointAttributes.Select(a => Endpoint(attributes[a])).OfType<string>().Distinct(StringComparer.Ordinal)];
        return new BomService(asset.Ref, asset.Name)
        {
            Provider = First(attributes, SupplierAttributes) is { } provider ? new BomOrganization(provider) : null,
            Version = First(attributes, VersionAttributes),
            Description = Description(attributes),
            Endpoints = endpoints.Count == 0 ? null : endpoints,
            Properties = BomProperties.For(asset),
        };
    }

    /// <summary>A model card when the source says at least one of task, architecture, inputs or outputs.</summary>
    private static BomModelCard? ModelCard(JsonObject attributes)
    {
        var parameters = new BomModelParameters
        {
            Task = First(attributes, TaskAttributes),
            ArchitectureFamily = First(attributes, ArchitectureAttributes),
            Inputs = Formats(attributes, InputAttributes),
            Outputs = Formats(attributes, OutputAttributes),
        };
        return parameters is { Task: null, ArchitectureFamily: null, Inputs: null, Outputs: null } ? null : new BomModelCard(parameters);
    }

    private static List<BomModelIo>? Formats(JsonObject attributes, string[] names)
    {
        foreach (string name in names)
        {
            if (attributes[name] is JsonArray array)
            {
                List<BomModelIo> formats = [.. array.Select(Text).OfType<string>().Select(f => f.ToLowerInvariant()).Distinct(StringComparer.Ordinal).Select(f => new BomModelIo(f))];
                return formats.Count == 0 ? null : formats;
            }
        }

        return null;
    }

    private static string? Description(JsonObject attributes) =>
        First(attributes, ["description"]) is { } d ? (d.Length > MaxDescription ? d[..MaxDescription] : d) : null;

    private static string? First(JsonObject attributes, string[] names) =>
        names.Select(n => Text(attributes[n])).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string? Text(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        }
        : null;

    /// <summary>An absolute http(s) URL without user info, query or fragment (the plugins store them so; this keeps it so).</summary>
    private static string? Endpoint(JsonNode? node) =>
        Text(node) is { } text && Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
            : null;
}

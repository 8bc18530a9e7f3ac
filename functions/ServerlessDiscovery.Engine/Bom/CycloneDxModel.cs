using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>
/// The subset of a CycloneDX 1.6 / 1.7 JSON BOM this service writes (https://cyclonedx.org/docs/1.7/json/).
/// Property names are set on every member so any serializer options give the standard's names.
/// </summary>
internal sealed record CycloneDxBom(
    [property: JsonPropertyName("$schema")] string Schema,
    [property: JsonPropertyName("bomFormat")] string BomFormat,
    [property: JsonPropertyName("specVersion")] string SpecVersion,
    [property: JsonPropertyName("serialNumber")] string SerialNumber,
    [property: JsonPropertyName("version")] long Version,
    [property: JsonPropertyName("metadata")] BomMetadata Metadata,
    [property: JsonPropertyName("components")] IEnumerable<BomComponent> Components,
    [property: JsonPropertyName("services")] IEnumerable<BomService> Services,
    [property: JsonPropertyName("dependencies")] IEnumerable<BomDependency> Dependencies);

/// <summary>When the BOM's content was first exported, what made it, and what it describes.</summary>
internal sealed record BomMetadata(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("tools")] BomTools Tools,
    [property: JsonPropertyName("component")] BomComponent Component,
    [property: JsonPropertyName("properties")] IReadOnlyList<BomProperty> Properties);

/// <summary>The tools that made the BOM (CycloneDX 1.5+ form: a list of components).</summary>
internal sealed record BomTools([property: JsonPropertyName("components")] IReadOnlyList<BomComponent> Components);

/// <summary>A CycloneDX component: a model, an agent, data, or the subject of the BOM.</summary>
internal sealed record BomComponent(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("bom-ref")] string BomRef,
    [property: JsonPropertyName("name")] string Name)
{
    [JsonPropertyName("supplier")]
    public BomOrganization? Supplier { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    /// <summary>CycloneDX 1.7 only: provided by the environment (a provider's model), not part of the estate itself.</summary>
    [JsonPropertyName("isExternal")]
    public bool? IsExternal { get; init; }

    [JsonPropertyName("modelCard")]
    public BomModelCard? ModelCard { get; init; }

    [JsonPropertyName("data")]
    public IReadOnlyList<BomComponentData>? Data { get; init; }

    [JsonPropertyName("properties")]
    public IReadOnlyList<BomProperty>? Properties { get; init; }
}

/// <summary>A CycloneDX service: a deployment, an endpoint, an agent runtime, an MCP server or a tool.</summary>
internal sealed record BomService(
    [property: JsonPropertyName("bom-ref")] string BomRef,
    [property: JsonPropertyName("name")] string Name)
{
    [JsonPropertyName("provider")]
    public BomOrganization? Provider { get; init; }

    [JsonPropertyName("version")]
    public string? Version { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("endpoints")]
    public IReadOnlyList<string>? Endpoints { get; init; }

    [JsonPropertyName("properties")]
    public IReadOnlyList<BomProperty>? Properties { get; init; }
}

/// <summary>An organisation by name (a model's supplier, a service's provider).</summary>
internal sealed record BomOrganization([property: JsonPropertyName("name")] string Name);

/// <summary>A model card, written only where the source says enough (task, architecture, inputs or outputs).</summary>
internal sealed record BomModelCard([property: JsonPropertyName("modelParameters")] BomModelParameters ModelParameters);

/// <summary>What the model does and takes.</summary>
internal sealed record BomModelParameters
{
    [JsonPropertyName("task")]
    public string? Task { get; init; }

    [JsonPropertyName("architectureFamily")]
    public string? ArchitectureFamily { get; init; }

    [JsonPropertyName("inputs")]
    public IReadOnlyList<BomModelIo>? Inputs { get; init; }

    [JsonPropertyName("outputs")]
    public IReadOnlyList<BomModelIo>? Outputs { get; init; }
}

/// <summary>One input or output format of a model (e.g. text, image).</summary>
internal sealed record BomModelIo([property: JsonPropertyName("format")] string Format);

/// <summary>What a data component holds (CycloneDX componentData: dataset, configuration, definition, other).</summary>
internal sealed record BomComponentData(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("name")] string Name);

/// <summary>A name/value pair; this service's names are in the <c>serverlessdiscovery:</c> namespace.</summary>
internal sealed record BomProperty(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] string Value);

/// <summary>One element and the bom-refs it depends on (lineage edges, source to target).</summary>
internal sealed record BomDependency([property: JsonPropertyName("ref")] string Ref)
{
    [JsonPropertyName("dependsOn")]
    public IReadOnlyList<string>? DependsOn { get; init; }
}

/// <summary>The part of a BOM that is the estate: its content hash decides serialNumber and version.</summary>
internal sealed record BomContent(
    [property: JsonPropertyName("component")] BomComponent Component,
    [property: JsonPropertyName("components")] IEnumerable<BomComponent> Components,
    [property: JsonPropertyName("services")] IEnumerable<BomService> Services,
    [property: JsonPropertyName("dependencies")] IEnumerable<BomDependency> Dependencies);

/// <summary>Source-generated JSON for the BOM.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CycloneDxBom))]
[JsonSerializable(typeof(BomContent))]
internal sealed partial class BomJsonContext : JsonSerializerContext;

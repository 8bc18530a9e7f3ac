namespace ServerlessDiscovery.Engine.Bom;

/// <summary>The CycloneDX versions the export writes: 1.7 (the default) and 1.6.</summary>
internal sealed record BomSpecVersion(string Version)
{
    public static readonly BomSpecVersion V1_6 = new("1.6");
    public static readonly BomSpecVersion V1_7 = new("1.7");

    public static BomSpecVersion Default => V1_7;

    public static IReadOnlyList<BomSpecVersion> Supported { get; } = [V1_6, V1_7];

    /// <summary>The JSON schema's id, written as the document's <c>$schema</c>.</summary>
    public string SchemaUri => $"http://cyclonedx.org/schema/bom-{Version}.schema.json";

    /// <summary>The media type with its version parameter, as CycloneDX registers it.</summary>
    public string MediaType => $"application/vnd.cyclonedx+json; version={Version}";

    /// <summary>Components may say <c>isExternal</c> (new in 1.7).</summary>
    public bool HasIsExternal => this == V1_7;

    public static bool TryParse(string? text, out BomSpecVersion version)
    {
        version = text is null ? Default : Supported.FirstOrDefault(v => v.Version == text)!;
        return version is not null;
    }
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /api/v1/plugin-types: OpenCITE's map of plugin types by id, each with OpenCITE's <c>name</c>, <c>description</c>
/// and <c>required_fields</c> (what its GUI renders and sends back), and ours inside: version, asset types, the typed
/// <c>config_fields</c> list, environment variables and the aliases the type accepts. GET /api/v1/plugins is
/// OpenCITE's legacy form of the same map, unwrapped.
/// </summary>
internal static class PluginTypesApi
{
    public static void MapPluginTypesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/plugin-types", (PluginCatalog catalog) =>
        {
            Dictionary<string, PluginTypeReply> types = Map(catalog);
            return TypedResults.Ok(new PluginTypeMap(types, types.Count));
        }).WithTags("Plugins");
        api.MapGet("/plugins", (PluginCatalog catalog) => TypedResults.Ok(Map(catalog))).WithTags("Plugins");
    }

    private static Dictionary<string, PluginTypeReply> Map(PluginCatalog catalog) =>
        catalog.Types.OrderBy(t => t.Metadata.TypeId, StringComparer.Ordinal).ToDictionary(
            t => t.Metadata.TypeId,
            t => ToReply(t.Metadata) with { Origin = PluginOriginReply.From(catalog.OriginOf(t.Metadata.TypeId)) },
            StringComparer.Ordinal);

    private static PluginTypeReply ToReply(PluginMetadata m) => new(
        m.TypeId,
        m.Name,
        m.Name,
        m.Description,
        m.Version,
        SupportsMultipleInstances: true,
        m.AssetTypes,
        m.ConfigFields.ToDictionary(f => f.Name, RequiredField, StringComparer.Ordinal),
        [.. m.ConfigFields.Select(ConfigField)],
        m.EnvironmentVariables,
        m.TypeAliases,
        m.ConfigAliases.ToDictionary(a => a.Name, a => new ConfigAliasReply(a.Field, a.Note), StringComparer.Ordinal));

    /// <summary>One field as OpenCITE's GUI reads it: label, default, required, and an HTML input type.</summary>
    private static RequiredFieldReply RequiredField(ConfigField f) => new(
        f.Label,
        f.Default ?? string.Empty,
        f.Required,
        f.Secret ? "password" : f.Type switch
        {
            ConfigFieldType.Integer => "number",
            ConfigFieldType.Url => "url",
            _ => "text",
        },
        f.Description);

    private static ConfigFieldReply ConfigField(ConfigField f) => new(
        f.Name,
        f.Label,
        f.Type switch
        {
            ConfigFieldType.Integer => "integer",
            ConfigFieldType.Boolean => "boolean",
            ConfigFieldType.Url => "url",
            ConfigFieldType.StringList => "list",
            ConfigFieldType.StringMap => "map",
            _ => "string",
        },
        f.Required,
        f.Default,
        f.Secret,
        f.Description);
}

internal sealed record PluginTypeMap(
    [property: JsonPropertyName("plugin_types")] IReadOnlyDictionary<string, PluginTypeReply> PluginTypes,
    [property: JsonPropertyName("count")] int Count);

/// <summary>A plugin type: OpenCITE's <c>plugin_type</c> (its id), <c>name</c> (what people read) and <c>required_fields</c>, then ours.</summary>
internal sealed record PluginTypeReply(
    [property: JsonPropertyName("plugin_type")] string PluginType,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("supports_multiple_instances")] bool SupportsMultipleInstances,
    [property: JsonPropertyName("asset_types")] IReadOnlyList<string> AssetTypes,
    [property: JsonPropertyName("required_fields")] IReadOnlyDictionary<string, RequiredFieldReply> RequiredFields,
    [property: JsonPropertyName("config_fields")] IReadOnlyList<ConfigFieldReply> ConfigFields,
    [property: JsonPropertyName("env_vars")] IReadOnlyList<string> EnvVars,
    [property: JsonPropertyName("aliases")] IReadOnlyList<string> Aliases,
    [property: JsonPropertyName("config_aliases")] IReadOnlyDictionary<string, ConfigAliasReply> ConfigAliases)
{
    /// <summary>Where the type came from (additive: built in, or the plugin package it was loaded from).</summary>
    [JsonPropertyName("origin")]
    public PluginOriginReply? Origin { get; init; }
}

/// <summary>
/// <c>source</c> is "built-in" or the path of the plugin package; <c>version</c> its assembly's version;
/// <c>sdk_range</c> the SDK versions it declares (for built-in types, the host's SDK version).
/// </summary>
internal sealed record PluginOriginReply(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("package")] string? Package,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("sdk_range")] string SdkRange)
{
    public static PluginOriginReply From(PluginOrigin o) => new(o.Source, o.Package, o.AssemblyVersion, o.SdkRange);
}

/// <summary>One field in OpenCITE's form; <c>type</c> is the HTML input its GUI draws (text, password, number, url).</summary>
internal sealed record RequiredFieldReply(
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("default")] string Default,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("help")] string? Help);

/// <summary>One config field; <c>type</c> is string, integer, boolean, url, list or map.</summary>
internal sealed record ConfigFieldReply(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("default")] string? Default,
    [property: JsonPropertyName("secret")] bool Secret,
    [property: JsonPropertyName("description")] string? Description);

/// <summary>An accepted configuration name: the field it stands for (null: accepted and ignored) and why.</summary>
internal sealed record ConfigAliasReply(
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("note")] string? Note);

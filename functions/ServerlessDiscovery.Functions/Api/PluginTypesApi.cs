using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>GET /api/v1/plugin-types: every plugin type with its metadata and config fields.</summary>
internal static class PluginTypesApi
{
    public static void MapPluginTypesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/plugin-types", List).WithTags("Plugins");
    }

    private static Ok<PluginTypeList> List(PluginCatalog catalog)
    {
        PluginTypeReply[] types = [.. catalog.Types.OrderBy(t => t.Metadata.TypeId, StringComparer.Ordinal).Select(t => ToReply(t.Metadata) with { Origin = PluginOriginReply.From(catalog.OriginOf(t.Metadata.TypeId)) })];
        return TypedResults.Ok(new PluginTypeList(types, types.Length));
    }

    private static PluginTypeReply ToReply(PluginMetadata m) =>
        new(m.TypeId, m.Name, m.Description, m.Version, m.AssetTypes, [.. m.ConfigFields.Select(ToReply)], m.EnvironmentVariables);

    private static ConfigFieldReply ToReply(ConfigField f) => new(
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

internal sealed record PluginTypeList(
    [property: JsonPropertyName("plugin_types")] IReadOnlyList<PluginTypeReply> PluginTypes,
    [property: JsonPropertyName("count")] int Count);

/// <summary>A plugin type: <c>name</c> is its type id (OpenCITE's), <c>display_name</c> what people read.</summary>
internal sealed record PluginTypeReply(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("asset_types")] IReadOnlyList<string> AssetTypes,
    [property: JsonPropertyName("config_fields")] IReadOnlyList<ConfigFieldReply> ConfigFields,
    [property: JsonPropertyName("env_vars")] IReadOnlyList<string> EnvVars)
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

/// <summary>One config field; <c>type</c> is string, integer, boolean, url, list or map.</summary>
internal sealed record ConfigFieldReply(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("required")] bool Required,
    [property: JsonPropertyName("default")] string? Default,
    [property: JsonPropertyName("secret")] bool Secret,
    [property: JsonPropertyName("description")] string? Description);

using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Functions.Api;

/// <summary>GET /api/v1/plugin-types: every plugin type with its metadata and config fields.</summary>
internal static class PluginTypesApi
{
    public static void MapPluginTypesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/plugin-types", (PluginCatalog catalog) =>
        {
            var types = new JsonArray([.. catalog.Types.OrderBy(t => t.Metadata.TypeId, StringComparer.Ordinal).Select(t => (JsonNode?)ToJson(t.Metadata))]);
            return TypedResults.Json<JsonNode>(new JsonObject { ["plugin_types"] = types, ["count"] = types.Count });
        }).WithTags("Plugins");
    }

    private static JsonObject ToJson(PluginMetadata m) => new()
    {
        ["name"] = m.TypeId,
        ["display_name"] = m.Name,
        ["description"] = m.Description,
        ["version"] = m.Version,
        ["asset_types"] = new JsonArray([.. m.AssetTypes.Select(a => (JsonNode?)JsonValue.Create(a))]),
        ["config_fields"] = new JsonArray([.. m.ConfigFields.Select(f => (JsonNode?)ToJson(f))]),
        ["env_vars"] = new JsonArray([.. m.EnvironmentVariables.Select(e => (JsonNode?)JsonValue.Create(e))]),
    };

    private static JsonObject ToJson(ConfigField f) => new()
    {
        ["name"] = f.Name,
        ["label"] = f.Label,
        ["type"] = f.Type switch
        {
            ConfigFieldType.Integer => "integer",
            ConfigFieldType.Boolean => "boolean",
            ConfigFieldType.Url => "url",
            ConfigFieldType.StringList => "list",
            ConfigFieldType.StringMap => "map",
            _ => "string",
        },
        ["required"] = f.Required,
        ["default"] = f.Default,
        ["secret"] = f.Secret,
        ["description"] = f.Description,
    };
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>One source to scan: a plugin type and its validated configuration, named as the service would name the instance.</summary>
internal sealed record ScanSource(string InstanceId, IPluginType Type, PluginConfiguration Configuration);

/// <summary>
/// Reads the sources of `sd scan`: a JSON file with the API's instance fields
/// (<c>{"instances": [{"plugin_type", "instance_id", "config"}]}</c> or a bare array of them), or the service's own
/// <c>Plugins__{id}__*</c> settings from the environment. In a file, a string value may refer to a secret instead of
/// holding it: <c>${env:NAME}</c> (an environment variable) or <c>${file:PATH}</c> (a file's content, trimmed; a relative
/// path is relative to the sources file). Every problem is reported at once, each naming its field.
/// </summary>
internal static partial class ScanSources
{
    private const int MaxFileBytes = 1024 * 1024;
    private const int MaxSecretFileBytes = 64 * 1024;

    public static IReadOnlyList<ScanSource> FromFile(string path, PluginCatalog catalog, Func<string, string?> variable)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new SdConfigurationException($"--sources: {path} does not exist.");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new SdConfigurationException($"--sources: {path} is over {MaxFileBytes} bytes.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new SdConfigurationException($"{path} is not valid JSON: {ex.Message}");
        }

        JsonArray? list = root switch
        {
            JsonArray array => array,
            JsonObject obj when obj["instances"] is JsonArray array => array,
            _ => null,
        };
        if (list is null)
        {
            throw new SdConfigurationException($"{path} must hold a JSON array of instances, or an object with an \"instances\" array.");
        }

        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var errors = new List<string>();
        var sources = new List<ScanSource>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < list.Count; i++)
        {
            string at = $"{path}: instances[{i}]";
            if (list[i] is not JsonObject entry)
            {
                errors.Add($"{at} must be an object.");
                continue;
            }

            string? typeId = (entry["plugin_type"] as JsonValue)?.TryGetValue(out string? t) == true ? t : null;
            IPluginType? type = typeId is null ? null : catalog.Find(typeId);
            if (type is null)
            {
                errors.Add($"{at}.plugin_type '{typeId}' is not a known plugin type ({string.Join(", ", catalog.Types.Select(p => p.Metadata.TypeId).Order())}).");
                continue;
            }

            string id = (entry["instance_id"] as JsonValue)?.TryGetValue(out string? s) == true ? s : new string([.. type.Metadata.TypeId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
            if (!InstanceIds.IsValid(id))
            {
                errors.Add($"{at}.instance_id '{id}' must be 1-63 letters, digits, '-' or '_', starting with a letter or digit.");
                continue;
            }

            if (!ids.Add(id))
            {
                errors.Add($"{at}.instance_id '{id}' is used twice; give each instance its own instance_id.");
                continue;
            }

            if (entry["config"] is not (JsonObject or null))
            {
                errors.Add($"{at}.config must be an object.");
                continue;
            }

            JsonObject config = (JsonObject?)entry["config"]?.DeepClone() ?? [];
            int before = errors.Count;
            Resolve(config, $"{at}.config", baseDirectory, variable, errors);
            if (errors.Count > before)
            {
                continue;
            }

            (PluginConfiguration? validated, IReadOnlyList<ConfigError> configErrors) = PluginConfiguration.Validate(type, config);
            errors.AddRange(configErrors.Select(e => $"{at}.config.{e.Field} {e.Message}"));
            if (validated is not null)
            {
                sources.Add(new ScanSource(id, type, validated));
            }
        }

        return errors.Count > 0 ? throw new SdConfigurationException(string.Join(Environment.NewLine, errors)) : sources;
    }

    /// <summary>The instances the service would read from Plugins__{id}__* settings (here: the environment), validated the same way.</summary>
    public static IReadOnlyList<ScanSource> FromSettings(IConfiguration configuration, IServiceProvider services, PluginCatalog catalog)
    {
        var configured = new ConfiguredInstances(configuration, services);
        if (configured.Errors.Count > 0)
        {
            throw new SdConfigurationException(string.Join(Environment.NewLine, configured.Errors));
        }

        var sources = new List<ScanSource>();
        foreach (PluginInstance instance in configured.Instances.Where(i => i.Enabled))
        {
            IPluginType type = catalog.Find(instance.PluginType)!;
            (PluginConfiguration? validated, _) = PluginConfiguration.Validate(type, instance.Config);
            sources.Add(new ScanSource(instance.Id, type, validated!));
        }

        return sources;
    }

    /// <summary>Replaces ${env:NAME} and ${file:PATH} in every string of the config, recursively.</summary>
    private static void Resolve(JsonNode? node, string at, string baseDirectory, Func<string, string?> variable, List<string> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (string key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is JsonValue value && value.TryGetValue(out string? text))
                    {
                        obj[key] = Substitute(text, $"{at}.{key}", baseDirectory, variable, errors);
                    }
                    else
                    {
                        Resolve(obj[key], $"{at}.{key}", baseDirectory, variable, errors);
                    }
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.TryGetValue(out string? text))
                    {
                        array[i] = Substitute(text, $"{at}[{i}]", baseDirectory, variable, errors);
                    }
                    else
                    {
                        Resolve(array[i], $"{at}[{i}]", baseDirectory, variable, errors);
                    }
                }

                break;
        }
    }

    private static string Substitute(string text, string at, string baseDirectory, Func<string, string?> variable, List<string> errors) =>
        Reference().Replace(text, match =>
        {
            string kind = match.Groups["kind"].Value;
            string name = match.Groups["name"].Value;
            if (kind == "env")
            {
                if (variable(name) is { Length: > 0 } value)
                {
                    return value;
                }

                errors.Add($"{at} refers to the environment variable {name}, which is not set.");
                return string.Empty;
            }

            string path = Path.GetFullPath(name, baseDirectory);
            var file = new FileInfo(path);
            if (!file.Exists || file.Length > MaxSecretFileBytes)
            {
                errors.Add($"{at} refers to the file {path}, which {(file.Exists ? $"is over {MaxSecretFileBytes} bytes" : "does not exist")}.");
                return string.Empty;
            }

            return File.ReadAllText(path).Trim();
        });

    [GeneratedRegex(@"\$\{(?<kind>env|file):(?<name>[^}]+)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}

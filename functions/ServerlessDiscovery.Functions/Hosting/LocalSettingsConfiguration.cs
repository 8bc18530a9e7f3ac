using System.Text.Json;
using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>
/// Reads the "Values" of local.settings.json as app settings, the way the Functions Core Tools do, with
/// lower precedence than environment variables so one setting can be overridden for one run.
/// </summary>
internal static class LocalSettingsConfiguration
{
    public const string FileName = "local.settings.json";

    public static void AddLocalSettings(this IConfigurationBuilder configuration, string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using FileStream stream = File.OpenRead(path);
            using JsonDocument doc = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (doc.RootElement.TryGetProperty("Values", out JsonElement settings) && settings.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty setting in settings.EnumerateObject())
                {
                    values[setting.Name.Replace("__", ":", StringComparison.Ordinal)] = setting.Value.ValueKind switch
                    {
                        JsonValueKind.String => setting.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => setting.Value.GetRawText(),
                    };
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {ex.Message}", ex);
        }

        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = values };
        IList<IConfigurationSource> sources = configuration.Sources;
        int envIndex = -1;
        for (int i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource { Prefix: null or "" })
            {
                envIndex = i;
                break;
            }
        }

        if (envIndex >= 0)
        {
            sources.Insert(envIndex, source);
        }
        else
        {
            sources.Insert(0, source);
        }
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins.Validation;

/// <summary>
/// The checks of a plugin type's metadata that need no provider: the conformance suite asserts them and
/// <c>sd plugin validate</c> prints them. Each problem is one sentence naming the field or value to fix.
/// </summary>
public static partial class PluginChecks
{
    /// <summary>Type id, name, description, semantic version, known asset types, and well-formed, unique config fields with valid defaults.</summary>
    public static IReadOnlyList<string> MetadataProblems(IPluginType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        PluginMetadata m = type.Metadata;
        var problems = new List<string>();
        if (!TypeIdPattern().IsMatch(m.TypeId ?? string.Empty))
        {
            problems.Add($"Type id '{m.TypeId}' must be lower case letters and digits separated by '.', '_' or '-'.");
        }

        if (string.IsNullOrWhiteSpace(m.Name))
        {
            problems.Add("Name is empty.");
        }

        if (string.IsNullOrWhiteSpace(m.Description))
        {
            problems.Add("Description is empty.");
        }

        if (!VersionPattern().IsMatch(m.Version ?? string.Empty))
        {
            problems.Add($"Version '{m.Version}' is not a semantic version (major.minor.patch).");
        }

        if (m.AssetTypes is not { Count: > 0 })
        {
            problems.Add("Asset types are empty: declare the asset types the plugin reports.");
        }

        problems.AddRange((m.AssetTypes ?? []).Where(t => !AssetTypes.IsKnown(t)).Select(t => $"Asset type '{t}' is not a known type (AssetTypes)."));
        IReadOnlyList<ConfigField> fields = m.ConfigFields ?? [];
        problems.AddRange(fields.GroupBy(f => f.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"Config field '{g.Key}' is declared {g.Count()} times."));
        foreach (ConfigField field in fields)
        {
            if (!FieldNamePattern().IsMatch(field.Name ?? string.Empty))
            {
                problems.Add($"Config field '{field.Name}' must be lower case letters, digits and '_', starting with a letter.");
            }

            if (string.IsNullOrWhiteSpace(field.Label))
            {
                problems.Add($"Config field '{field.Name}' has no label.");
            }

            if (field.Default is not null && PluginConfiguration.Validate([field], new JsonObject()).Configuration is null)
            {
                problems.Add($"The default of config field '{field.Name}' does not pass its own type ({field.Type}).");
            }
        }

        return problems;
    }

    /// <summary>Config fields whose names look like credentials (secret, password, token, api_key, ...) but are not flagged <see cref="ConfigField.Secret"/>.</summary>
    public static IReadOnlyList<string> UnflaggedSecrets(IPluginType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return [.. (type.Metadata.ConfigFields ?? []).Where(f => SecretName().IsMatch(f.Name ?? string.Empty) && !f.Secret)
            .Select(f => $"Config field '{f.Name}' looks like a credential but is not flagged Secret.")];
    }

    [GeneratedRegex(@"^[a-z][a-z0-9]*([._-][a-z0-9]+)*$")]
    private static partial Regex TypeIdPattern();

    [GeneratedRegex(@"^\d+\.\d+\.\d+")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex FieldNamePattern();

    [GeneratedRegex("(secret|password|token|api_key|apikey|master_key|access_key|private_key|credential)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}

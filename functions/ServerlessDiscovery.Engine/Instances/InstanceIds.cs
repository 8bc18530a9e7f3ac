namespace ServerlessDiscovery.Engine.Instances;

/// <summary>
/// Instance ids appear in keys, URLs, event sources and setting names (Plugins__{id}__Type). Letters of either case are
/// allowed, as OpenCITE allows them ("Databricks-Prod"); ids are compared case-sensitively, as OpenCITE compares them.
/// </summary>
public static class InstanceIds
{
    public static bool IsValid(string? id) =>
        id is { Length: > 0 and <= 63 } && char.IsAsciiLetterOrDigit(id[0]) && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>A readable id from a plugin type and a short random tail, e.g. "aws-sagemaker-3f9a1c".</summary>
    public static string New(string pluginType)
    {
        string stem = new([.. pluginType.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        return $"{stem.Trim('-')}-{Guid.NewGuid().ToString("N")[..6]}";
    }
}

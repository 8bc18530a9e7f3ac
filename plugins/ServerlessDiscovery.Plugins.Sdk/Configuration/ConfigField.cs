namespace ServerlessDiscovery.Plugins.Configuration;

public enum ConfigFieldType
{
    String,
    Integer,
    Boolean,
    /// <summary>An absolute http(s) URL.</summary>
    Url,
    /// <summary>A list of strings: a JSON array, or a comma-separated string in app settings.</summary>
    StringList,
    /// <summary>A JSON object of string values (headers, tags); a JSON string holding the object in app settings.</summary>
    StringMap,
}

/// <summary>One configuration field of a plugin type. Secret fields are never returned by the API nor logged, and are encrypted at rest.</summary>
public sealed record ConfigField(string Name, string Label, ConfigFieldType Type, bool Required = false, string? Default = null, bool Secret = false, string? Description = null);

/// <summary>One problem with a configuration: the field and what is wrong, without its value.</summary>
public sealed record ConfigError(string Field, string Message);

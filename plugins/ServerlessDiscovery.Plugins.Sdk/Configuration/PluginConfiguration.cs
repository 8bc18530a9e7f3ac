using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins.Configuration;

/// <summary>
/// A configuration that has passed validation against a plugin type's declared fields: each value is of its
/// field's type, defaults are applied, unknown fields are refused.
/// </summary>
public sealed class PluginConfiguration
{
    public const string Mask = "********";

    private readonly Dictionary<string, JsonNode?> _values;

    private PluginConfiguration(IReadOnlyList<ConfigField> fields, Dictionary<string, JsonNode?> values)
    {
        Fields = fields;
        _values = values;
    }

    public IReadOnlyList<ConfigField> Fields { get; }

    /// <summary>
    /// Validates <paramref name="raw"/> against <paramref name="fields"/>. Values may be typed JSON or strings
    /// (app settings carry only strings). Returns every problem at once.
    /// </summary>
    public static (PluginConfiguration? Configuration, IReadOnlyList<ConfigError> Errors) Validate(IReadOnlyList<ConfigField> fields, JsonObject? raw)
    {
        raw ??= [];
        var errors = new List<ConfigError>();
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        var known = fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        foreach ((string name, _) in raw)
        {
            if (!known.ContainsKey(name))
            {
                errors.Add(new ConfigError(name, "is not a field of this plugin type."));
            }
        }

        foreach (ConfigField field in fields)
        {
            JsonNode? node = raw.TryGetPropertyValue(field.Name, out JsonNode? given) ? given : null;
            bool empty = node is null || (node is JsonValue v && v.TryGetValue(out string? s) && string.IsNullOrWhiteSpace(s));
            if (empty && field.Default is not null)
            {
                node = JsonValue.Create(field.Default);
                empty = false;
            }

            if (empty)
            {
                if (field.Required)
                {
                    errors.Add(new ConfigError(field.Name, "is required."));
                }

                continue;
            }

            string? problem = Coerce(field, node!, out JsonNode? value);
            if (problem is not null)
            {
                errors.Add(new ConfigError(field.Name, problem));
            }
            else
            {
                values[field.Name] = value;
            }
        }

        return errors.Count > 0 ? (null, errors) : (new PluginConfiguration(fields, values), errors);
    }

    /// <summary>Validates against a plugin type's fields and then its own cross-field rules.</summary>
    public static (PluginConfiguration? Configuration, IReadOnlyList<ConfigError> Errors) Validate(IPluginType type, JsonObject? raw)
    {
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = Validate(type.Metadata.ConfigFields, raw);
        if (config is null)
        {
            return (null, errors);
        }

        List<ConfigError> extra = [.. type.Validate(config)];
        return extra.Count > 0 ? (null, extra) : (config, []);
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string? GetString(string name) => _values.GetValueOrDefault(name)?.GetValue<string>();

    public string GetRequiredString(string name) =>
        GetString(name) ?? throw new InvalidOperationException($"Configuration field '{name}' has no value.");

    public long? GetInteger(string name) => _values.GetValueOrDefault(name)?.GetValue<long>();

    public bool? GetBoolean(string name) => _values.GetValueOrDefault(name)?.GetValue<bool>();

    public Uri? GetUrl(string name) => GetString(name) is { } s ? new Uri(s) : null;

    public IReadOnlyList<string> GetList(string name) =>
        _values.GetValueOrDefault(name) is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];

    public IReadOnlyDictionary<string, string> GetMap(string name) =>
        _values.GetValueOrDefault(name) is JsonObject o ? o.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal) : new Dictionary<string, string>();

    /// <summary>The configuration as JSON with typed values, secrets included: for storage (encrypted) only.</summary>
    public JsonObject ToJson() => ToJson(maskSecrets: false);

    /// <summary>The configuration as JSON with every secret field replaced by <see cref="Mask"/>: safe to return or log.</summary>
    public JsonObject ToMaskedJson() => ToJson(maskSecrets: true);

    private JsonObject ToJson(bool maskSecrets)
    {
        var json = new JsonObject();
        foreach (ConfigField field in Fields)
        {
            if (_values.TryGetValue(field.Name, out JsonNode? value))
            {
                json[field.Name] = maskSecrets && field.Secret ? JsonValue.Create(Mask) : value?.DeepClone();
            }
        }

        return json;
    }

    public override string ToString() => ToMaskedJson().ToJsonString();

    private static string? Coerce(ConfigField field, JsonNode node, out JsonNode? value)
    {
        value = null;
        string? text = node is JsonValue jv && jv.TryGetValue(out string? str) ? str : null;
        switch (field.Type)
        {
            case ConfigFieldType.String:
                if (text is null)
                {
                    return "must be a string.";
                }

                if (text.Length > 8192)
                {
                    return "is longer than 8192 characters.";
                }

                value = JsonValue.Create(text);
                return null;
            case ConfigFieldType.Url:
                if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    return "must be an absolute http(s) URL.";
                }

                value = JsonValue.Create(text);
                return null;
            case ConfigFieldType.Integer:
                // A JsonValue built from an int does not convert to long directly; its JSON text always parses.
                if (node is JsonValue iv && iv.GetValueKind() == JsonValueKind.Number
                    && long.TryParse(iv.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long l))
                {
                    value = JsonValue.Create(l);
                    return null;
                }

                if (text is not null && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed))
                {
                    value = JsonValue.Create(parsed);
                    return null;
                }

                return "must be a whole number.";
            case ConfigFieldType.Boolean:
                if (node is JsonValue bv && bv.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                {
                    value = JsonValue.Create(bv.GetValue<bool>());
                    return null;
                }

                if (text is not null && bool.TryParse(text, out bool b))
                {
                    value = JsonValue.Create(b);
                    return null;
                }

                return "must be true or false.";
            case ConfigFieldType.StringList:
                if (node is JsonArray array)
                {
                    if (array.Any(n => n is not JsonValue e || e.GetValueKind() != JsonValueKind.String))
                    {
                        return "must be a list of strings.";
                    }

                    value = new JsonArray([.. array.Select(n => (JsonNode?)JsonValue.Create(n!.GetValue<string>().Trim()))]);
                    return null;
                }

                if (text is not null)
                {
                    string trimmed = text.Trim();
                    if (trimmed.StartsWith('['))
                    {
                        try
                        {
                            return JsonNode.Parse(trimmed) is JsonArray parsedArray ? Coerce(field, parsedArray, out value) : "must be a list of strings.";
                        }
                        catch (JsonException)
                        {
                            return "must be a JSON array of strings or a comma-separated list.";
                        }
                    }

                    value = new JsonArray([.. trimmed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (JsonNode?)JsonValue.Create(p))]);
                    return null;
                }

                return "must be a list of strings.";
            case ConfigFieldType.StringMap:
                if (node is JsonObject obj)
                {
                    if (obj.Any(p => p.Value is not JsonValue e || e.GetValueKind() != JsonValueKind.String))
                    {
                        return "must be an object whose values are strings.";
                    }

                    value = obj.DeepClone();
                    return null;
                }

                if (text is not null)
                {
                    try
                    {
                        return JsonNode.Parse(text) is JsonObject parsedObject ? Coerce(field, parsedObject, out value) : "must be a JSON object of strings.";
                    }
                    catch (JsonException)
                    {
                        return "must be a JSON object of strings.";
                    }
                }

                return "must be an object whose values are strings.";
            default:
                return "has an unknown field type.";
        }
    }
}

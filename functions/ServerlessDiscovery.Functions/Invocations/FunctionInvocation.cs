using System.Text.Json;

namespace ServerlessDiscovery.Functions.Invocations;

/// <summary>
/// One non-HTTP trigger invocation from the Functions host: POST /{FunctionName} with {"Data": {...}, "Metadata": {...}}.
/// Binding values may arrive as objects or as JSON encoded into strings (Event Grid: twice); they are unwrapped here.
/// </summary>
public sealed class FunctionInvocation
{
    private readonly List<string> _logs = [];

    public FunctionInvocation(string functionName, IReadOnlyDictionary<string, JsonElement> data, JsonElement metadata)
    {
        FunctionName = functionName;
        Data = data;
        Metadata = metadata;
    }

    public string FunctionName { get; }

    /// <summary>Binding name to value, each unwrapped to the object it encodes.</summary>
    public IReadOnlyDictionary<string, JsonElement> Data { get; }

    public JsonElement Metadata { get; }

    /// <summary>Lines returned to the host in the reply's Logs, where they join the invocation's log.</summary>
    public IReadOnlyList<string> Logs => _logs;

    public void Log(string line) => _logs.Add(line);

    /// <summary>Parses the host's request body; throws <see cref="FormatException"/> with a clear reason for anything else.</summary>
    public static FunctionInvocation Parse(string functionName, JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("The invocation body must be a JSON object with Data and Metadata.");
        }

        var data = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (TryGet(body, "Data", out JsonElement dataElement) && dataElement.ValueKind != JsonValueKind.Null)
        {
            JsonElement unwrapped = Unwrap(dataElement);
            if (unwrapped.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("The invocation's Data must be a JSON object of binding values.");
            }

            foreach (JsonProperty binding in unwrapped.EnumerateObject())
            {
                data[binding.Name] = Unwrap(binding.Value);
            }
        }

        JsonElement metadata = TryGet(body, "Metadata", out JsonElement m) ? Unwrap(m) : default;
        return new FunctionInvocation(functionName, data, metadata);
    }

    /// <summary>Decodes a value that is a JSON document inside a string, as many times as it was encoded.</summary>
    public static JsonElement Unwrap(JsonElement value)
    {
        for (int depth = 0; depth < 4 && value.ValueKind == JsonValueKind.String; depth++)
        {
            string text = value.GetString()!;
            string trimmed = text.TrimStart();
            if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[' && trimmed[0] != '"'))
            {
                break;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(text);
                value = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                break;
            }
        }

        return value;
    }

    private static bool TryGet(JsonElement element, string name, out JsonElement value)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        value = default;
        return false;
    }
}

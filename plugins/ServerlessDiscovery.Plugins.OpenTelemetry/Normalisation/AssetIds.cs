using System.Text;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>A (type, id) pair: how assets are keyed in extractions and usage.</summary>
public readonly record struct AssetKey(string Type, string Id);

/// <summary>
/// Stable asset ids for trace-derived assets: components normalised (trimmed, whitespace collapsed, lower case) and
/// joined with '/', each component percent-escaping '%', '/', '\', '#', '?' and control characters, so an id is the
/// same on every host and restart and splits back into its components unambiguously. No hashing.
/// </summary>
public static class AssetIds
{
    public static string Model(string provider, string model) => Join(provider, model);

    public static string Agent(string name) => Join(name);

    public static string Tool(string name) => Join(name);

    public static string McpServer(string server) => Join(server);

    public static string McpTool(string server, string tool) => Join(server, tool);

    public static string McpResource(string server, string uri) => Join(server, uri);

    public static string Downstream(string category, string system, string? target) =>
        target is null ? Join(category, system) : Join(category, system, target);

    /// <summary>Lower case, trimmed, inner whitespace runs collapsed to one space.</summary>
    public static string Normalise(string value)
    {
        ReadOnlySpan<char> trimmed = value.AsSpan().Trim();
        bool clean = true;
        foreach (char c in trimmed)
        {
            if (char.IsUpper(c) || char.IsWhiteSpace(c) && c != ' ' || NeedsEscape(c))
            {
                clean = false;
                break;
            }
        }

        if (clean && trimmed.Length == value.Length && !trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return value;
        }

        var sb = new StringBuilder(trimmed.Length + 8);
        bool space = false;
        foreach (char c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            char lower = char.ToLowerInvariant(c);
            if (NeedsEscape(lower))
            {
                sb.Append('%').Append(((int)lower).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(lower);
            }
        }

        return sb.ToString();
    }

    private static bool NeedsEscape(char c) => c is '%' or '/' or '\\' or '#' or '?' || char.IsControl(c);

    private static string Join(string a) => Normalise(a);

    private static string Join(string a, string b) => string.Concat(Normalise(a), "/", Normalise(b));

    private static string Join(string a, string b, string c) => string.Concat(Normalise(a), "/", Normalise(b), "/", Normalise(c));
}

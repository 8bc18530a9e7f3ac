using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>A trace-derived identity as resolution sees it: its type, id, name and the attributes the spans gave it.</summary>
public sealed record TraceIdentity(string Type, string Id, string Name, JsonObject Attributes)
{
    /// <summary>An attribute as trimmed lower-case text, or null.</summary>
    public string? Text(string key) => ResolutionText.Lower(Attributes, key);
}

/// <summary>A declared (scanned) asset as the index sees it.</summary>
public sealed record DeclaredAsset(string Instance, string PluginType, string Type, string Id, string Name, JsonObject Attributes)
{
    public string? Text(string key) => ResolutionText.Lower(Attributes, key);
}

/// <summary>Where a trace-derived identity resolved to: one declared asset, and the rule that matched.</summary>
public sealed record DeclaredRef(string Instance, string Type, string Id, string Rule);

/// <summary>
/// One resolution rule: which trace-derived identities it applies to, what in the spans it reads, which plugins declare
/// the matching assets, and the keys both sides are indexed by. A trace identity resolves when one of its keys, tried in
/// order, names exactly one declared asset. The documentation columns are rendered into the README's rule table.
/// </summary>
/// <param name="Id">Stable rule id; prefixes every key so rules never collide.</param>
/// <param name="Provider">Who the rule is for.</param>
/// <param name="TraceType">The trace-derived asset type it resolves.</param>
/// <param name="SpanEvidence">What the spans carry that the rule reads (documentation).</param>
/// <param name="DeclaredEvidence">What in the declared asset the key is built from (documentation).</param>
/// <param name="PluginTypes">Plugin types whose scans declare the targets: a tenant with none of them does not scan the provider.</param>
/// <param name="DeclaredTypes">Declared asset types the rule indexes.</param>
/// <param name="TraceKeys">Keys of a trace identity, most specific first; none when the rule does not apply.</param>
/// <param name="DeclaredKeys">Keys of a declared asset of one of <paramref name="DeclaredTypes"/>; the lookup reaches its siblings.</param>
public sealed record ResolutionRule(
    string Id,
    string Provider,
    string TraceType,
    string SpanEvidence,
    string DeclaredEvidence,
    IReadOnlyList<string> PluginTypes,
    IReadOnlyList<string> DeclaredTypes,
    Func<TraceIdentity, IEnumerable<string>> TraceKeys,
    Func<DeclaredAsset, Func<string, string, DeclaredAsset?>, IEnumerable<string>> DeclaredKeys);

/// <summary>Text helpers shared by the rules: attribute reads and the host and ARN forms keys are made of.</summary>
internal static class ResolutionText
{
    public static string? Lower(JsonObject attributes, string key) =>
        attributes[key] is JsonValue v && v.TryGetValue(out string? s) && !string.IsNullOrWhiteSpace(s) ? s.Trim().ToLowerInvariant() : null;

    /// <summary>The host of "host[:port]".</summary>
    public static string? HostOf(string? address)
    {
        if (address is null)
        {
            return null;
        }

        int colon = address.LastIndexOf(':');
        return colon > 0 && !address.EndsWith(']') ? address[..colon] : address;
    }

    /// <summary>The host[:port] of an absolute http(s) URL, default port dropped; null for anything else.</summary>
    public static string? AddressOfUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https" ? u.Authority.ToLowerInvariant() : null;

    /// <summary>scheme://host[:port]/path of an http(s) URL, lower-case, without query, fragment, user info or trailing slash.</summary>
    public static string? NormalisedUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https"
            ? $"{u.Scheme}://{u.Authority}{u.AbsolutePath.TrimEnd('/')}".ToLowerInvariant()
            : null;

    /// <summary>The part after the last '/' or ':' (an agent id inside an ARN or resource path).</summary>
    public static string LastSegment(string id)
    {
        int i = id.LastIndexOfAny(['/', ':']);
        return i >= 0 && i < id.Length - 1 ? id[(i + 1)..] : id;
    }

    /// <summary>An ARN's parts: arn:{partition}:{service}:{region}:{account}:{resource type}/{resource id}.</summary>
    public static (string Service, string Region, string ResourceType, string ResourceId)? Arn(string id)
    {
        string[] parts = id.Split(':', 6);
        if (parts.Length < 6 || parts[0] != "arn")
        {
            return null;
        }

        int slash = parts[5].IndexOf('/');
        return slash <= 0 ? null : (parts[2], parts[3], parts[5][..slash], parts[5][(slash + 1)..]);
    }

    /// <summary>The label before <paramref name="suffix"/> of a host, when it has exactly that shape ({label}{suffix}).</summary>
    public static string? LabelBefore(string? host, string suffix) =>
        host is not null && host.EndsWith(suffix, StringComparison.Ordinal) && host.Length > suffix.Length && !host[..^suffix.Length].Contains('.')
            ? host[..^suffix.Length]
            : null;
}

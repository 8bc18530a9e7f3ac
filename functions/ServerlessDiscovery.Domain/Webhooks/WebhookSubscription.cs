using System.Security.Cryptography;
using System.Text;

namespace ServerlessDiscovery.Domain.Webhooks;

/// <summary>
/// One instance's webhook: where to send, the subscriber's own headers, which change events it also wants, and the
/// signing secret. Headers and secret are in clear only in memory; at rest they are encrypted.
/// </summary>
public sealed record WebhookSubscription
{
    public required string Tenant { get; init; }

    public required string InstanceId { get; init; }

    /// <summary>The normalised URL.</summary>
    public required string Url { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>CloudEvent type patterns (exact, or a prefix ending in ".*"); empty: forwarded OTLP only.</summary>
    public required IReadOnlyList<string> Events { get; init; }

    public required string Secret { get; init; }

    /// <summary>Whether deliveries also carry OpenCITE's x-opencite-signature (HMAC-SHA256 of the body with <see cref="Secret"/>).</summary>
    public bool OpenCiteSignature { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string Key => UrlKey(Url);

    /// <summary>True when the subscriber asked for OTLP in protobuf (Content-Type: application/x-protobuf among its headers).</summary>
    public bool WantsProtobuf => Headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        && h.Value.Split(';', 2)[0].Trim().Equals("application/x-protobuf", StringComparison.OrdinalIgnoreCase));

    public bool WantsEvent(string type) => Events.Any(pattern => Matches(pattern, type));

    /// <summary>The RowKey of a subscription: SHA-256 hex of its normalised URL, so re-subscribing a URL updates it.</summary>
    public static string UrlKey(string normalisedUrl) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalisedUrl)));

    public static bool Matches(string pattern, string type) =>
        pattern == "*"
        || (pattern.EndsWith(".*", StringComparison.Ordinal) && type.StartsWith(pattern[..^1], StringComparison.Ordinal))
        || pattern.Equals(type, StringComparison.Ordinal);

    /// <summary>Scheme and host lower-cased, default port and fragment dropped; path and query kept as given.</summary>
    public static string Normalise(Uri url) => url.GetComponents(UriComponents.HttpRequestUrl, UriFormat.UriEscaped);
}

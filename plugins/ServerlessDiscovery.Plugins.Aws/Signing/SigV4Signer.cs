using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ServerlessDiscovery.Plugins.Aws.Signing;

/// <summary>
/// AWS Signature Version 4 for request headers: canonical request, string to sign over the credential scope
/// (date/region/service/aws4_request), and the HMAC-SHA256 key chain. Checked against AWS's published test suite.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Signs <paramref name="request"/> in place: sets X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization.</summary>
    /// <param name="body">The exact bytes of the request body (empty for none).</param>
    public static void Sign(HttpRequestMessage request, ReadOnlySpan<byte> body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        Uri uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI.");
        string amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        request.Headers.Remove("X-Amz-Security-Token");
        if (credentials.SessionToken is { Length: > 0 } token)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }

        var headers = new List<KeyValuePair<string, string>> { new("host", uri.Authority) };
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            if (IsSigned(header.Key))
            {
                headers.Add(new(header.Key, string.Join(',', header.Value)));
            }
        }

        if (request.Content?.Headers.ContentType is { } contentType)
        {
            headers.Add(new("content-type", contentType.ToString()));
        }

        string signature = ComputeSignature(
            new SigV4Input(request.Method.Method, uri.AbsolutePath, uri.Query, headers, HexSha256(body)),
            credentials.SecretAccessKey,
            amzDate,
            region,
            service,
            out string signedHeaders);
        request.Headers.Remove("Authorization");
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"{Algorithm} Credential={credentials.AccessKeyId}/{amzDate[..8]}/{region}/{service}/aws4_request, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The hex signature of <paramref name="input"/>; <paramref name="signedHeaders"/> is the sorted list of header names signed.</summary>
    public static string ComputeSignature(SigV4Input input, string secretAccessKey, string amzDate, string region, string service, out string signedHeaders)
    {
        string canonical = CanonicalRequest(input, out signedHeaders);
        string stringToSign = StringToSign(amzDate, $"{amzDate[..8]}/{region}/{service}/aws4_request", canonical);
        byte[] key = SigningKey(secretAccessKey, amzDate[..8], region, service);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    public static string CanonicalRequest(SigV4Input input, out string signedHeaders)
    {
        // Header names lower-cased and sorted; values trimmed with inner runs of spaces collapsed; repeats joined by commas.
        SortedDictionary<string, string> headers = new(StringComparer.Ordinal);
        foreach ((string name, string value) in input.Headers)
        {
            string key = name.Trim().ToLowerInvariant();
            string normalised = string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Trim();
            headers[key] = headers.TryGetValue(key, out string? existing) ? existing + "," + normalised : normalised;
        }

        signedHeaders = string.Join(';', headers.Keys);
        var builder = new StringBuilder();
        builder.Append(input.Method).Append('\n')
            .Append(CanonicalUri(input.Path)).Append('\n')
            .Append(CanonicalQuery(input.Query)).Append('\n');
        foreach ((string name, string value) in headers)
        {
            builder.Append(name).Append(':').Append(value).Append('\n');
        }

        builder.Append('\n').Append(signedHeaders).Append('\n').Append(input.PayloadHash);
        return builder.ToString();
    }

    public static string StringToSign(string amzDate, string credentialScope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{credentialScope}\n{HexSha256(Encoding.UTF8.GetBytes(canonicalRequest))}";

    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(service));
        return HMACSHA256.HashData(key, "aws4_request"u8);
    }

    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>
    /// Every service but S3 encodes each path segment of the (already escaped) path once more, so "%3A" becomes "%253A".
    /// </summary>
    public static string CanonicalUri(string escapedPath)
    {
        if (string.IsNullOrEmpty(escapedPath))
        {
            return "/";
        }

        return string.Join('/', escapedPath.Split('/').Select(UriEncode));
    }

    /// <summary>Parameters decoded, re-encoded the RFC 3986 way, sorted by name then value (byte order).</summary>
    public static string CanonicalQuery(string query)
    {
        string raw = query.StartsWith('?') ? query[1..] : query;
        if (raw.Length == 0)
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (string part in raw.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? part : part[..eq];
            string value = eq < 0 ? string.Empty : part[(eq + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
        }

        return string.Join('&', pairs.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
    }

    /// <summary>Percent-encodes everything but the RFC 3986 unreserved characters, upper-case hex, UTF-8.</summary>
    public static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    // Only headers AWS requires or that select the operation: signing every header breaks on proxies that add their own.
    private static bool IsSigned(string name) =>
        name.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Amz-Security-Token", StringComparison.OrdinalIgnoreCase)
        || name.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What SigV4 signs of a request. <see cref="Path"/> is the escaped path as sent; <see cref="Query"/> the raw query string.</summary>
internal sealed record SigV4Input(string Method, string Path, string Query, IReadOnlyList<KeyValuePair<string, string>> Headers, string PayloadHash);

/// <summary>Resolved AWS credentials. <see cref="ToString"/> never shows the secret or the token.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";
}

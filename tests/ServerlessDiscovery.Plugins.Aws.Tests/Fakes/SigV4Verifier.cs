using System.Text.RegularExpressions;
using ServerlessDiscovery.Plugins.Aws.Signing;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

/// <summary>
/// Recomputes a captured request's SigV4 signature from what the server received (method, path, query, the signed
/// headers' values as they arrived, the body) and a known secret, as AWS does on its side.
/// </summary>
public static partial class SigV4Verifier
{
    public static void AssertSigned(RecordedRequest request, string accessKeyId, string secretAccessKey, string expectedService, string expectedRegion, string? sessionToken = null)
    {
        Assert.True(request.Headers.TryGetValue("Authorization", out string? authorization), $"{request.Method} {request.Path} has no Authorization header.");
        Match match = AuthorizationPattern().Match(authorization!);
        Assert.True(match.Success, $"Malformed Authorization: {authorization}");
        Assert.Equal(accessKeyId, match.Groups["key"].Value);
        string amzDate = request.Headers["X-Amz-Date"];
        Assert.Equal(amzDate[..8], match.Groups["date"].Value);
        Assert.Equal(expectedService, match.Groups["service"].Value);
        string region = match.Groups["region"].Value;
        Assert.Equal(expectedRegion, region);
        string[] signed = match.Groups["signed"].Value.Split(';');
        Assert.Contains("host", signed);
        Assert.Contains("x-amz-date", signed);
        if (request.Headers.ContainsKey("X-Amz-Target"))
        {
            Assert.Contains("x-amz-target", signed);
        }

        if (sessionToken is not null)
        {
            Assert.Equal(sessionToken, request.Headers["X-Amz-Security-Token"]);
            Assert.Contains("x-amz-security-token", signed);
        }

        var headers = signed.Select(name => new KeyValuePair<string, string>(name, request.Headers[name])).ToList();
        var input = new SigV4Input(request.Method, request.Path, request.Query, headers, SigV4Signer.HexSha256(request.Body));
        string expected = SigV4Signer.ComputeSignature(input, secretAccessKey, amzDate, region, expectedService, out _);
        Assert.True(expected == match.Groups["signature"].Value, $"Bad signature on {request.Method} {request.Path}{request.Query}");
    }

    [GeneratedRegex(@"^AWS4-HMAC-SHA256 Credential=(?<key>[^/]+)/(?<date>\d{8})/(?<region>[^/]+)/(?<service>[^/]+)/aws4_request, SignedHeaders=(?<signed>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]{64})$")]
    private static partial Regex AuthorizationPattern();
}

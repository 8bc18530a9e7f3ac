using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ServerlessDiscovery.Plugins.Aws.Signing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Signing;

public sealed class SigV4SignerTests
{
    private static readonly JsonElement Vectors = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "sigv4-vectors.json"))).RootElement;

    public static TheoryData<string> CaseNames() => [.. Vectors.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ComputeSignature_AwsTestSuiteCase_MatchesPublishedSignature(string name)
    {
        JsonElement vector = Case(name);
        SigV4Input input = Input(vector);

        string signature = SigV4Signer.ComputeSignature(input, Secret, AmzDate, "us-east-1", "service", out string signedHeaders);

        Assert.Equal(vector.GetProperty("signedHeaders").GetString(), signedHeaders);
        Assert.Equal(vector.GetProperty("signature").GetString(), signature);
        if (vector.TryGetProperty("canonicalRequest", out JsonElement canonical))
        {
            string actual = SigV4Signer.CanonicalRequest(input, out _);
            Assert.Equal(canonical.GetString(), actual);
            Assert.Equal(vector.GetProperty("stringToSign").GetString(), SigV4Signer.StringToSign(AmzDate, "20150830/us-east-1/service/aws4_request", actual));
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Sign_HttpRequestForAwsTestSuiteCase_ProducesPublishedAuthorization(string name)
    {
        JsonElement vector = Case(name);
        string query = vector.GetProperty("query").GetString()!;
        using var request = new HttpRequestMessage(new HttpMethod(vector.GetProperty("method").GetString()!), new Uri("https://example.amazonaws.com/" + query));
        byte[] body = Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!);
        foreach (JsonElement header in vector.GetProperty("headers").EnumerateArray())
        {
            if (header[0].GetString() == "Content-Type")
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(header[1].GetString()!);
            }
        }

        SigV4Signer.Sign(request, body, new AwsCredentials("AKIDEXAMPLE", Secret, null), "us-east-1", "service", DateTimeOffset.Parse("2015-08-30T12:36:00Z", CultureInfo.InvariantCulture));

        Assert.Equal(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders={vector.GetProperty("signedHeaders").GetString()}, Signature={vector.GetProperty("signature").GetString()}",
            request.Headers.GetValues("Authorization").Single());
        Assert.Equal(AmzDate, request.Headers.GetValues("X-Amz-Date").Single());
    }

    [Fact]
    public void Sign_WithSessionToken_SignsTheTokenHeader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], new AwsCredentials("AKIDEXAMPLE", Secret, "session-token"), "us-east-1", "service", DateTimeOffset.Parse("2015-08-30T12:36:00Z", CultureInfo.InvariantCulture));

        Assert.Equal("session-token", request.Headers.GetValues("X-Amz-Security-Token").Single());
        Assert.Contains("SignedHeaders=host;x-amz-date;x-amz-security-token,", request.Headers.GetValues("Authorization").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalUri_EscapedSegment_IsEncodedAgain()
    {
        Assert.Equal("/foundation-models/anthropic.claude-v2%253A1", SigV4Signer.CanonicalUri("/foundation-models/anthropic.claude-v2%3A1"));
    }

    [Fact]
    public void AwsCredentials_ToString_HidesSecretAndToken()
    {
        string text = new AwsCredentials("AKID", "the-secret", "the-token").ToString();

        Assert.DoesNotContain("the-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", text, StringComparison.Ordinal);
    }

    private static string Secret => Vectors.GetProperty("credentials").GetProperty("secretAccessKey").GetString()!;

    private static string AmzDate => Vectors.GetProperty("amzDate").GetString()!;

    private static JsonElement Case(string name) => Vectors.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    private static SigV4Input Input(JsonElement vector) => new(
        vector.GetProperty("method").GetString()!,
        vector.GetProperty("path").GetString()!,
        vector.GetProperty("query").GetString()!,
        [.. vector.GetProperty("headers").EnumerateArray().Select(h => new KeyValuePair<string, string>(h[0].GetString()!, h[1].GetString()!))],
        SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!)));
}

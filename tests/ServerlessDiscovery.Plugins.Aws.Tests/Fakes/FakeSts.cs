using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

/// <summary>
/// STS GetCallerIdentity as the service answers it (botocore sts 2011-06-15 service-2.json, query protocol, output
/// GetCallerIdentityResponse with result wrapper GetCallerIdentityResult). STS negotiates the content type: a request
/// that accepts application/json gets the same structure as JSON, any other gets XML.
/// </summary>
public static class FakeSts
{
    public static FakeReply GetCallerIdentity(AwsCall call, string account)
    {
        string arn = $"arn:aws:iam::{account}:user/scanner";
        bool json = call.Request.Headers.TryGetValue("Accept", out string? accept) && accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);
        return json
            ? new FakeReply(200, new JsonObject
            {
                ["GetCallerIdentityResponse"] = new JsonObject
                {
                    ["GetCallerIdentityResult"] = new JsonObject { ["Account"] = account, ["Arn"] = arn, ["UserId"] = "AIDAEXAMPLE" },
                    ["ResponseMetadata"] = new JsonObject { ["RequestId"] = "01234567-89ab-cdef-0123-456789abcdef" },
                },
            }.ToJsonString())
            : new FakeReply(200, $"""
                <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                  <GetCallerIdentityResult><Arn>{arn}</Arn><UserId>AIDAEXAMPLE</UserId><Account>{account}</Account></GetCallerIdentityResult>
                  <ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata>
                </GetCallerIdentityResponse>
                """, new Dictionary<string, string> { ["Content-Type"] = "text/xml" });
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.SageMaker;

public sealed class SageMakerDiscoveryTests
{
    private const string UsScope = "aws:123456789012:us-east-1:sagemaker";
    private const string EuScope = "aws:123456789012:eu-west-1:sagemaker";

    [Fact]
    public async Task Discover_TwoRegionsPagedListings_ReportsAssetsEdgesAndCompletesBothScopes()
    {
        await using FakeAws fake = await FakeAws.StartAsync(SageMakerFixtures.Answer);
        JsonObject config = Config(fake, "us-east-1", "eu-west-1");
        config["session_token"] = "session-token-1";
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal([EuScope, UsScope], sink.CompletedScopes.Order());
        Assert.Empty(sink.FailedScopes);
        foreach (string region in new[] { "us-east-1", "eu-west-1" })
        {
            string Arn(string resource) => SageMakerFixtures.Arn(region, resource);
            string scope = $"aws:123456789012:{region}:sagemaker";
            Assert.Equal(scope, sink.Single(AssetTypes.Model, Arn("model/model-a")).Scope);
            Assert.Equal("model-b", sink.Single(AssetTypes.Model, Arn("model/model-b")).Name);
            DiscoveredAsset endpoint = sink.Single(AssetTypes.Endpoint, Arn("endpoint/ep-1"));
            Assert.Equal("ml.g5.xlarge", (string?)endpoint.Attributes["production_variants"]![0]!["InstanceType"]);
            Assert.Equal("model-a", (string?)sink.Single(AssetTypes.Deployment, Arn("inference-component/ic-1")).Attributes["ModelName"]);
            Assert.Equal("model_package_group", (string?)sink.Single(AssetTypes.Model, Arn("model-package-group/churn")).Attributes["kind"]);
            Assert.Equal(1, (int?)sink.Single(AssetTypes.Model, Arn("model-package/churn/1")).Attributes["ModelPackageVersion"]);

            Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, Arn("endpoint/ep-1"), Relationships.Serves, AssetTypes.Model, Arn("model/model-b"), scope), sink.Edges);
            Assert.Contains(new DiscoveredEdge(AssetTypes.Deployment, Arn("inference-component/ic-1"), Relationships.Serves, AssetTypes.Model, Arn("model/model-a"), scope), sink.Edges);
            Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, Arn("endpoint/ep-1"), Relationships.Contains, AssetTypes.Deployment, Arn("inference-component/ic-1"), scope), sink.Edges);
            Assert.Contains(new DiscoveredEdge(AssetTypes.Model, Arn("model-package/churn/1"), Relationships.VersionOf, AssetTypes.Model, Arn("model-package-group/churn"), scope), sink.Edges);
        }

        Assert.Equal(2, fake.Calls.Count(c => c.Region == "us-east-1" && c.Operation == "ListModels"));
        Assert.Contains(fake.Calls, c => c.Operation == "ListModels" && (string?)c.Body["NextToken"] == "page-2");
        AssertEveryRequestSigned(fake, "session-token-1");
        Assert.All(fake.Requests, r => Assert.Equal("application/x-amz-json-1.1", r.Headers["Content-Type"]));
    }

    [Fact]
    public async Task Discover_ThrottledWithRetryAfterThenSuccess_RetriesSignedAndCompletes()
    {
        int listModels = 0;
        int listEndpoints = 0;
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Operation switch
        {
            "ListModels" when Interlocked.Increment(ref listModels) == 1 =>
                FakeReply.Error(429, "ThrottlingException", "Rate exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" }),
            // JSON-protocol services also throttle with 400 and a ThrottlingException type.
            "ListEndpoints" when Interlocked.Increment(ref listEndpoints) == 1 => FakeReply.Error(400, "ThrottlingException", "Rate exceeded"),
            _ => SageMakerFixtures.Answer(call),
        });
        var sink = new RecordingSink();
        var watch = Stopwatch.StartNew();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "us-east-1")))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal([UsScope], sink.CompletedScopes);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        Assert.Equal(3, listModels);
        Assert.Equal(2, listEndpoints);
        Assert.Equal(2, sink.Assets.Count(a => a.Type == AssetTypes.Model && a.Id.Contains(":model/", StringComparison.Ordinal)));
        AssertEveryRequestSigned(fake);
    }

    [Fact]
    public async Task Discover_AccessDeniedInOneRegion_FailsThatScopeOnly()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Region == "eu-west-1"
            ? FakeReply.Error(400, "AccessDeniedException", "User: arn:aws:iam::123456789012:user/scanner is not authorized to perform: sagemaker:ListModels")
            : SageMakerFixtures.Answer(call));
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "eu-west-1", "us-east-1")))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal([UsScope], sink.CompletedScopes);
        string error = Assert.Single(sink.FailedScopes, s => s.Key == EuScope).Value!;
        Assert.Contains("AccessDeniedException", error, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsTestPlugin.SecretAccessKey, error, StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Scope == EuScope);
        Assert.Single(fake.Calls, c => c.Region == "eu-west-1");
    }

    [Theory]
    [InlineData("malformed")]
    [InlineData("truncated")]
    [InlineData("cut-off")]
    [InlineData("missing-arn")]
    [InlineData("not-a-list")]
    public async Task Discover_BadResponseInOneRegion_FailsThatScopeCleanly(string kind)
    {
        FakeReply bad = kind switch
        {
            "malformed" => FakeReply.Json("this is not json"),
            "truncated" => FakeReply.Json("""{"Models":[{"ModelName":"model-a","ModelArn":"arn:aws:sag"""),
            "cut-off" => new FakeReply(200, """{"Models":[{"ModelName":"model-a",""", CutOff: true),
            "missing-arn" => FakeReply.Json("""{"Models":[{"ModelName":"model-a"}]}"""),
            _ => FakeReply.Json("""{"Models":{"ModelName":"model-a"}}"""),
        };
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Region == "eu-west-1" && call.Operation == "ListModels" ? bad : SageMakerFixtures.Answer(call));
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "eu-west-1", "us-east-1")))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal([UsScope], sink.CompletedScopes);
        Assert.Contains("ListModels", sink.Scopes[EuScope], StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Scope == EuScope);
    }

    [Fact]
    public async Task Verify_Reachable_SucceedsWithOneSignedCall()
    {
        await using FakeAws fake = await FakeAws.StartAsync(SageMakerFixtures.Answer);
        await using IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "us-east-1"));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
        AwsCall call = Assert.Single(fake.Calls);
        Assert.Equal("ListModels", call.Operation);
        AssertEveryRequestSigned(fake);
    }

    [Fact]
    public async Task Verify_AccessDenied_FailsNamingTheErrorCode()
    {
        await using FakeAws fake = await FakeAws.StartAsync(_ => FakeReply.Error(400, "AccessDeniedException", "not authorized"));
        await using IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "us-east-1"));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.False(result.Success);
        Assert.Contains("AccessDeniedException", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_RequestsPerSecond_SpacesRequests()
    {
        await using FakeAws fake = await FakeAws.StartAsync(SageMakerFixtures.Answer);
        JsonObject config = Config(fake, "us-east-1");
        config["requests_per_second"] = 20L;
        var sink = new RecordingSink();
        var watch = Stopwatch.StartNew();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        // n requests at 20 per second take at least (n - 1) / 20 seconds; this bound cannot be met by chance.
        int n = fake.Requests.Count;
        Assert.True(n >= 9, $"Only {n} requests.");
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds((n - 1) / 20.0) - TimeSpan.FromMilliseconds(20), $"{n} requests in {watch.Elapsed}.");
        Assert.Equal([UsScope], sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_NoAccountConfigured_ReadsItFromSignedStsGetCallerIdentity()
    {
        // STS negotiates: whatever the plugin accepts, it must parse what comes back.
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "sts"
            ? FakeSts.GetCallerIdentity(call, "210987654321")
            : SageMakerFixtures.Answer(call));
        JsonObject config = Config(fake, "us-east-1");
        config.Remove("account_id");
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["aws:210987654321:us-east-1:sagemaker"], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        AwsCall sts = Assert.Single(fake.Calls, c => c.Service == "sts");
        Assert.Equal("GetCallerIdentity", sts.Operation);
        AssertEveryRequestSigned(fake);
    }

    [Fact]
    public async Task Verify_StsAnswersJson_ReadsTheAccountFromTheJsonShape()
    {
        // A proxy or SDK shim may force JSON; the GetCallerIdentityResponse.GetCallerIdentityResult shape is read too.
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "sts"
            ? FakeSts.GetCallerIdentity(call with { Request = call.Request with { Headers = new Dictionary<string, string> { ["Accept"] = "application/json" } } }, "210987654321")
            : SageMakerFixtures.Answer(call));
        JsonObject config = Config(fake, "us-east-1");
        config.Remove("account_id");
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(config))
        {
            Assert.True((await plugin.VerifyConnectionAsync()).Success);
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["aws:210987654321:us-east-1:sagemaker"], sink.CompletedScopes);
    }

    [Fact]
    public async Task Discover_EndpointConfigDeleted_WarnsOnThatEndpointAndReportsTheRestIncomplete()
    {
        // SageMaker 2017-07-24 (botocore service-2.json): DescribeEndpoint's EndpointConfigName is optional, and a config
        // may be deleted while its endpoint runs; DescribeEndpointConfig then answers 400 ValidationException.
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Operation switch
        {
            "ListEndpoints" => FakeReply.Json(new JsonObject
            {
                ["Endpoints"] = new JsonArray(
                    new JsonObject { ["EndpointName"] = "ep-1", ["EndpointArn"] = SageMakerFixtures.Arn(call.Region, "endpoint/ep-1"), ["EndpointStatus"] = "InService" },
                    new JsonObject { ["EndpointName"] = "ep-orphan", ["EndpointArn"] = SageMakerFixtures.Arn(call.Region, "endpoint/ep-orphan"), ["EndpointStatus"] = "InService" },
                    new JsonObject { ["EndpointName"] = "ep-bare", ["EndpointArn"] = SageMakerFixtures.Arn(call.Region, "endpoint/ep-bare"), ["EndpointStatus"] = "Creating" }),
            }),
            "DescribeEndpoint" when (string?)call.Body["EndpointName"] == "ep-orphan" => FakeReply.Json(new JsonObject
            {
                ["EndpointName"] = "ep-orphan",
                ["EndpointArn"] = SageMakerFixtures.Arn(call.Region, "endpoint/ep-orphan"),
                ["EndpointConfigName"] = "cfg-deleted",
                ["EndpointStatus"] = "InService",
                ["CreationTime"] = 1700000000.0,
                ["LastModifiedTime"] = 1700000000.0,
            }),
            "DescribeEndpoint" when (string?)call.Body["EndpointName"] == "ep-bare" => FakeReply.Json(new JsonObject
            {
                ["EndpointName"] = "ep-bare",
                ["EndpointArn"] = SageMakerFixtures.Arn(call.Region, "endpoint/ep-bare"),
                ["EndpointStatus"] = "Creating",
                ["CreationTime"] = 1700000000.0,
                ["LastModifiedTime"] = 1700000000.0,
            }),
            "DescribeEndpointConfig" when (string?)call.Body["EndpointConfigName"] == "cfg-deleted" =>
                FakeReply.Error(400, "ValidationException", "Could not find endpoint configuration \"arn:aws:sagemaker:us-east-1:123456789012:endpoint-config/cfg-deleted\"."),
            _ => SageMakerFixtures.Answer(call),
        });
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(Config(fake, "us-east-1")))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Empty(recording.Scopes);
        string warning = Assert.Single(sink.Incomplete[UsScope]);
        Assert.Contains("ep-orphan", warning, StringComparison.Ordinal);
        Assert.Contains("ValidationException", warning, StringComparison.Ordinal);
        string Arn(string resource) => SageMakerFixtures.Arn("us-east-1", resource);
        Assert.Contains("ValidationException", (string?)recording.Single(AssetTypes.Endpoint, Arn("endpoint/ep-orphan")).Attributes["warning"], StringComparison.Ordinal);
        Assert.Null(recording.Single(AssetTypes.Endpoint, Arn("endpoint/ep-bare")).Attributes["warning"]);
        Assert.DoesNotContain(recording.Edges, e => e.SourceId == Arn("endpoint/ep-orphan"));
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, Arn("endpoint/ep-1"), Relationships.Serves, AssetTypes.Model, Arn("model/model-b"), UsScope), recording.Edges);
        recording.Single(AssetTypes.Model, Arn("model/model-a"));
        recording.Single(AssetTypes.Deployment, Arn("inference-component/ic-1"));
        recording.Single(AssetTypes.Model, Arn("model-package/churn/1"));
        Assert.DoesNotContain(fake.Calls, c => c.Operation == "DescribeEndpointConfig" && c.Body["EndpointConfigName"] is null);
    }

    [Fact]
    public async Task Discover_RoleArnConfigured_AssumesRoleAndSignsWithTemporaryCredentials()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "sts"
            ? AssumeRoleReply(call)
            : SageMakerFixtures.Answer(call));
        JsonObject config = Config(fake, "us-east-1");
        config["role_arn"] = "arn:aws:iam::123456789012:role/discovery-read";
        config["external_id"] = "ext-42";
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsSageMakerPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal([UsScope], sink.CompletedScopes);
        AwsCall assume = Assert.Single(fake.Calls, c => c.Service == "sts");
        Assert.Contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdiscovery-read", assume.Request.BodyText, StringComparison.Ordinal);
        Assert.Contains("ExternalId=ext-42", assume.Request.BodyText, StringComparison.Ordinal);
        // The SDK's STS client signed AssumeRole with the static keys; our own signer then used the role's keys.
        SigV4Verifier.AssertSigned(assume.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "sts", "us-east-1");
        Assert.All(fake.Calls.Where(c => c.Service == "sagemaker"), c =>
            SigV4Verifier.AssertSigned(c.Request, "ASIATEMPROLEKEY", "temp-role-secret", "sagemaker", c.Region, "temp-role-token"));
    }

    private static FakeReply AssumeRoleReply(AwsCall call) => call.Operation == "AssumeRole"
        ? new FakeReply(200, $"""
            <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleResult>
                <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:ServerlessDiscovery</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/discovery-read/ServerlessDiscovery</Arn></AssumedRoleUser>
                <Credentials>
                  <AccessKeyId>ASIATEMPROLEKEY</AccessKeyId>
                  <SecretAccessKey>temp-role-secret</SecretAccessKey>
                  <SessionToken>temp-role-token</SessionToken>
                  <Expiration>{DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}</Expiration>
                </Credentials>
              </AssumeRoleResult>
              <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
            </AssumeRoleResponse>
            """, new Dictionary<string, string> { ["Content-Type"] = "text/xml" })
        : FakeReply.Error(400, "InvalidAction", call.Operation);

    private static JsonObject Config(FakeAws fake, params string[] regions)
    {
        JsonObject config = AwsTestPlugin.StaticKeys(regions);
        config["sagemaker_endpoint"] = fake.Template("sagemaker");
        config["sts_endpoint"] = fake.Template("sts");
        return config;
    }

    private static void AssertEveryRequestSigned(FakeAws fake, string? sessionToken = null)
    {
        Assert.NotEmpty(fake.Requests);
        Assert.All(fake.Calls, c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, c.Service, c.Region, sessionToken));
    }
}

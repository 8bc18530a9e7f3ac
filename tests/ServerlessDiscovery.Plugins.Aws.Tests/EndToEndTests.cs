using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Plugins.Aws.Tests.AgentCore;
using ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Aws.Tests.SageMaker;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests;

/// <summary>aws.sagemaker and aws.bedrock through the real API, scheduler and Azurite, against the loopback AWS endpoints.</summary>
public sealed class EndToEndTests
{
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["access_key_id"] = AwsTestPlugin.AccessKeyId,
        ["secret_access_key"] = AwsTestPlugin.SecretAccessKey,
    };

    [Fact]
    public async Task SageMakerScans_PackageRemovedThenRegionDenied_TombstonesThePackageAndStalesTheRegion()
    {
        bool packageRemoved = false;
        string? deniedRegion = null;
        await using FakeAws fake = await FakeAws.StartAsync(call =>
            call.Region == deniedRegion ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: sagemaker:ListModels")
            : packageRemoved && call.Region == "eu-west-1" && call.Operation == "ListModelPackages" ? FakeReply.Json("""{"ModelPackageSummaryList":[]}""")
            : SageMakerFixtures.Answer(call));
        JsonObject config = AwsTestPlugin.StaticKeys("us-east-1", "eu-west-1");
        config["sagemaker_endpoint"] = fake.Template("sagemaker");
        config["sts_endpoint"] = fake.Template("sts");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("aws.sagemaker", "sm1", config);
        await app.AssertSecretsMaskedAsync("sm1", Secrets);

        JsonObject first = await app.RefreshAsync("sm1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        string Us(string resource) => SageMakerFixtures.Arn("us-east-1", resource);
        string Eu(string resource) => SageMakerFixtures.Arn("eu-west-1", resource);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("sm1");
        Assert.Contains((AssetTypes.Model, Eu("model-package/churn/1")), assets);
        Assert.Contains((AssetTypes.Endpoint, Us("endpoint/ep-1")), assets);
        Assert.Contains((AssetTypes.Deployment, Us("inference-component/ic-1")), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync(Us("endpoint/ep-1"), Relationships.Serves, AssetTypes.Model, Us("model/model-b"));
        await app.AssertEdgeAsync(Eu("model-package/churn/1"), Relationships.VersionOf, AssetTypes.Model, Eu("model-package-group/churn"));
        Assert.Equal("model-b", (string?)(await app.GetAssetAsync(AssetTypes.Model, Us("model/model-b")))["name"]);

        packageRemoved = true;
        JsonObject second = await app.RefreshAsync("sm1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("sm1", second, AssetTypes.Model, Eu("model-package/churn/1"));
        Assert.Empty(await app.LineageFromAsync(Eu("model-package/churn/1")));

        deniedRegion = "us-east-1";
        JsonObject third = await app.ScheduledScanAsync("sm1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Contains("AccessDeniedException", (string?)third["scopes"]!["aws:123456789012:us-east-1:sagemaker"], StringComparison.Ordinal);
        Assert.DoesNotContain(AwsTestPlugin.SecretAccessKey, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("sm1", AssetTypes.Endpoint, Us("endpoint/ep-1"))).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("sm1", AssetTypes.Endpoint, Eu("endpoint/ep-1"))).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Endpoint, Us("endpoint/ep-1")), (AssetTypes.Model, Us("model/model-a"))]);
    }

    [Fact]
    public async Task BedrockScans_GuardrailRemovedThenAgentsDenied_TombstonesTheGuardrailAndStalesTheAgents()
    {
        const string guardrail = "arn:aws:bedrock:us-east-1:123456789012:guardrail/gr1";
        const string agent = "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00001";
        const string foundation = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
        bool guardrailRemoved = false;
        bool agentsDenied = false;
        await using FakeAws fake = await FakeAws.StartAsync(call =>
            agentsDenied && call.Service == "agent" ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: bedrock:ListAgents")
            : guardrailRemoved && call.Path == "/guardrails" ? FakeReply.Json("""{"guardrails":[]}""")
            : BedrockDiscoveryTests.Answer(call));
        JsonObject config = AwsTestPlugin.StaticKeys("us-east-1");
        config["bedrock_endpoint"] = fake.Template("bedrock");
        config["bedrock_agent_endpoint"] = fake.Template("agent");
        config["agentcore_endpoint"] = fake.Template("agentcore");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("aws.bedrock", "br1", config);
        await app.AssertSecretsMaskedAsync("br1", Secrets);

        JsonObject first = await app.RefreshAsync("br1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("br1");
        Assert.Contains((AssetTypes.Function, guardrail), assets);
        Assert.Contains((AssetTypes.Agent, agent), assets);
        Assert.Contains((AssetTypes.GenerativeModel, foundation), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync(agent, Relationships.UsesModel, AssetTypes.GenerativeModel, foundation);
        await app.AssertEdgeAsync(agent, Relationships.UsesTool, AssetTypes.Tool, $"{agent}/action-group/AG00000002");
        Assert.Equal("Claude 3 Haiku", (string?)(await app.GetAssetAsync(AssetTypes.GenerativeModel, foundation))["name"]);

        guardrailRemoved = true;
        JsonObject second = await app.RefreshAsync("br1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("br1", second, AssetTypes.Function, guardrail);

        agentsDenied = true;
        JsonObject third = await app.ScheduledScanAsync("br1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Contains("AccessDeniedException", (string?)third["scopes"]!["aws:123456789012:us-east-1:bedrock-agent"], StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("br1", AssetTypes.Agent, agent)).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("br1", AssetTypes.GenerativeModel, foundation)).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Agent, agent)]);
    }

    [Fact]
    public async Task AgentCoreScans_GatewayTargetRemovedThenAgentCoreDenied_TombstonesTheTargetAndStalesTheRuntimes()
    {
        const string scope = "aws:123456789012:us-east-1:bedrock-agentcore";
        string target = $"{AgentCoreFixtures.GatewayArn}/target/TGT0000001";
        bool targetRemoved = false;
        bool agentCoreDenied = false;
        await using FakeAws fake = await FakeAws.StartAsync(call =>
            agentCoreDenied && call.Service == "agentcore" ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: bedrock-agentcore:ListAgentRuntimes")
            : targetRemoved && call.Service == "agentcore" && call.Path == "/gateways/tools-gw-1234/targets/" ? FakeReply.Json("""{"items":[]}""")
            : BedrockDiscoveryTests.Answer(call));
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("aws.bedrock", "ac1", BedrockDiscoveryTests.Config(fake));

        JsonObject first = await app.RefreshAsync("ac1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("ac1");
        Assert.Contains((AssetTypes.Agent, AgentCoreFixtures.RuntimeArn), assets);
        Assert.Contains((AssetTypes.Agent, AgentCoreFixtures.HarnessArn), assets);
        Assert.Contains((AssetTypes.Tool, target), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        await app.AssertEdgeAsync(AgentCoreFixtures.RuntimeEndpointArn, Relationships.Serves, AssetTypes.Agent, AgentCoreFixtures.RuntimeArn);
        await app.AssertEdgeAsync(AgentCoreFixtures.GatewayArn, Relationships.Contains, AssetTypes.Tool, target);
        await app.AssertEdgeAsync(AgentCoreFixtures.HarnessArn, Relationships.UsesTool, AssetTypes.McpServer, AgentCoreFixtures.GatewayArn);
        await app.AssertEdgeAsync(AgentCoreFixtures.HarnessArn, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, AgentCoreFixtures.MemoryArn);

        targetRemoved = true;
        JsonObject second = await app.RefreshAsync("ac1");

        Assert.Equal(1, (int)EngineAppEndToEnd.Counts(second)["deleted"]!);
        await app.AssertTombstonedAsync("ac1", second, AssetTypes.Tool, target);

        agentCoreDenied = true;
        JsonObject third = await app.ScheduledScanAsync("ac1", "partial");

        Assert.Equal(0, (int)EngineAppEndToEnd.Counts(third, "partial")["deleted"]!);
        Assert.Contains("AccessDeniedException", (string?)third["scopes"]![scope], StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("ac1", AssetTypes.Agent, AgentCoreFixtures.RuntimeArn)).GetString("State"));
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("ac1", AssetTypes.Agent, AgentCoreFixtures.HarnessArn)).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("ac1", AssetTypes.Agent, "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00001")).GetString("State"));
    }
}

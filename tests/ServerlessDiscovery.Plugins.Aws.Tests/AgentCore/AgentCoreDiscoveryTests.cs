using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;
using static ServerlessDiscovery.Plugins.Aws.Tests.AgentCore.AgentCoreFixtures;

namespace ServerlessDiscovery.Plugins.Aws.Tests.AgentCore;

public sealed class AgentCoreDiscoveryTests
{
    private const string Scope = "aws:123456789012:us-east-1:bedrock-agentcore";

    [Fact]
    public async Task Discover_PagedRuntimesGatewaysMemories_ReportsThemWithEdgesSignedAsBedrockAgentCore()
    {
        await using FakeAws fake = await FakeAws.StartAsync(BedrockDiscoveryTests.Answer);
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains(Scope, sink.CompletedScopes);
        Assert.Equal("agent_runtime", (string?)sink.Single(AssetTypes.Agent, RuntimeArn).Attributes["kind"]);
        Assert.Equal("triage_agent", sink.Single(AssetTypes.Agent, SecondRuntimeArn).Name);
        Assert.Equal("2", (string?)sink.Single(AssetTypes.Endpoint, RuntimeEndpointArn).Attributes["liveVersion"]);
        Assert.Equal("MCP", (string?)sink.Single(AssetTypes.McpServer, GatewayArn).Attributes["protocolType"]);
        Assert.Equal("LAMBDA", (string?)sink.Single(AssetTypes.Tool, $"{GatewayArn}/target/TGT0000001").Attributes["targetType"]);
        Assert.Equal("agentcore_memory", (string?)sink.Single(AssetTypes.DownstreamSystem, MemoryArn).Attributes["kind"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, RuntimeEndpointArn, Relationships.Serves, AssetTypes.Agent, RuntimeArn, Scope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.McpServer, GatewayArn, Relationships.Contains, AssetTypes.Tool, $"{GatewayArn}/target/TGT0000001", Scope), sink.Edges);
        Assert.Contains(fake.Calls, c => c.Service == "agentcore" && c.Path == "/runtimes/" && c.Query("nextToken") == "rt/2=");
        Assert.Contains(fake.Calls, c => c.Service == "agentcore" && c.Path == "/memories/" && (string?)c.Body["nextToken"] == "mem-2");
        Assert.All(fake.Calls.Where(c => c.Service == "agentcore"), c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "bedrock-agentcore", c.Region));
    }

    [Fact]
    public async Task Discover_PagedHarnesses_ReportsTheModelMemoryAndGatewayEachUses()
    {
        await using FakeAws fake = await FakeAws.StartAsync(BedrockDiscoveryTests.Answer);
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains(Scope, sink.CompletedScopes);
        Assert.Contains(fake.Calls, c => c.Service == "agentcore" && c.Path == "/harnesses" && c.Query("nextToken") == "h/2=");
        DiscoveredAsset harness = sink.Single(AssetTypes.Agent, HarnessArn);
        Assert.Equal("agentcore_harness", (string?)harness.Attributes["kind"]);
        Assert.Equal(["agentcore_code_interpreter", "agentcore_gateway"], harness.Attributes["tool_types"]!.AsArray().Select(t => (string?)t));
        Assert.Equal(
            [
                new DiscoveredEdge(AssetTypes.Agent, HarnessArn, Relationships.UsesModel, AssetTypes.Endpoint, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0", Scope),
                new DiscoveredEdge(AssetTypes.Agent, HarnessArn, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, MemoryArn, Scope),
                new DiscoveredEdge(AssetTypes.Agent, HarnessArn, Relationships.UsesTool, AssetTypes.McpServer, GatewayArn, Scope),
            ],
            sink.Edges.Where(e => e.SourceId == HarnessArn));
        Assert.Equal(
            [new DiscoveredEdge(AssetTypes.Agent, OpenAiHarnessArn, Relationships.UsesModel, AssetTypes.Model, "openai/gpt-4.1", Scope)],
            sink.Edges.Where(e => e.SourceId == OpenAiHarnessArn));
        Assert.DoesNotContain("token-vault", sink.Single(AssetTypes.Agent, OpenAiHarnessArn).Attributes.ToJsonString(), StringComparison.Ordinal);
        // Agent runtimes name no model, memory or gateway (GetAgentRuntime has no such field): no edges are invented.
        Assert.DoesNotContain(sink.Edges, e => e.SourceId == RuntimeArn);
    }

    [Fact]
    public async Task Discover_OneHarnessGoneAndListingThrottled_RetriesWarnsAndReportsItsSibling()
    {
        int listings = 0;
        await using FakeAws fake = await FakeAws.StartAsync(call => (call.Service, call.Path) switch
        {
            ("agentcore", "/harnesses") when call.Query("nextToken") is null && Interlocked.Increment(ref listings) == 1
                => FakeReply.Error(429, "ThrottlingException", "Rate exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" }),
            ("agentcore", "/harnesses/support_harness-abcdefghij") => FakeReply.Error(404, "ResourceNotFoundException", "Harness support_harness-abcdefghij not found"),
            _ => BedrockDiscoveryTests.Answer(call),
        });
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(2, listings);
        Assert.DoesNotContain(Scope, recording.Scopes.Keys);
        Assert.Contains("support_harness-abcdefghij", Assert.Single(sink.Incomplete[Scope]), StringComparison.Ordinal);
        Assert.DoesNotContain(recording.Assets, a => a.Id == HarnessArn);
        recording.Single(AssetTypes.Agent, OpenAiHarnessArn);
    }

    [Fact]
    public async Task Discover_GatewaysThrottledWithRetryAfter_RetriesAndCompletes()
    {
        int gateways = 0;
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "agentcore" && call.Path == "/gateways/" && Interlocked.Increment(ref gateways) == 1
            ? FakeReply.Error(429, "ThrottlingException", "Rate exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : BedrockDiscoveryTests.Answer(call));
        var sink = new RecordingSink();
        var watch = Stopwatch.StartNew();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains(Scope, sink.CompletedScopes);
        Assert.Equal(2, gateways);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        sink.Single(AssetTypes.McpServer, GatewayArn);
    }

    [Fact]
    public async Task Discover_OneRuntimeGone_WarnsAndReportsItsSiblings()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "agentcore" && call.Path == "/runtimes/support_agent-a1b2c3/runtime-endpoints/"
            ? FakeReply.Error(404, "ResourceNotFoundException", "Agent runtime support_agent-a1b2c3 not found")
            : BedrockDiscoveryTests.Answer(call));
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.DoesNotContain(Scope, recording.Scopes.Keys);
        Assert.Contains("support_agent-a1b2c3", Assert.Single(sink.Incomplete[Scope]), StringComparison.Ordinal);
        recording.Single(AssetTypes.Agent, SecondRuntimeArn);
        recording.Single(AssetTypes.McpServer, GatewayArn);
        recording.Single(AssetTypes.DownstreamSystem, MemoryArn);
    }

    [Fact]
    public async Task Discover_RegionWithoutAgentCore_ReportsTheScopeUnavailable()
    {
        // AgentCore is offered in some regions only; elsewhere bedrock-agentcore-control.{region}.amazonaws.com does not resolve.
        await using FakeAws fake = await FakeAws.StartAsync(BedrockDiscoveryTests.Answer);
        JsonObject config = BedrockDiscoveryTests.Config(fake);
        config["agentcore_endpoint"] = "http://bedrock-agentcore-control.{region}.invalid";
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
            Assert.True((await plugin.VerifyConnectionAsync()).Success);
        }

        Assert.Contains("not offered", sink.Unavailable[Scope], StringComparison.Ordinal);
        Assert.DoesNotContain(Scope, recording.Scopes.Keys);
        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agent"], recording.CompletedScopes.Order());
    }

    [Fact]
    public async Task Discover_AgentCoreAccessDenied_FailsThatScopeOnly()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "agentcore"
            ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: bedrock-agentcore:ListAgentRuntimes")
            : BedrockDiscoveryTests.Answer(call));
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains("AccessDeniedException", sink.Scopes[Scope], StringComparison.Ordinal);
        Assert.Equal(2, sink.CompletedScopes.Count());
    }
}

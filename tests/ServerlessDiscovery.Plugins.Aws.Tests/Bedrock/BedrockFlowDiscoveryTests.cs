using System.Diagnostics;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;
using static ServerlessDiscovery.Plugins.Aws.Tests.Bedrock.BedrockFlowFixtures;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;

/// <summary>Flows, prompts and knowledge-base data sources (botocore bedrock-agent 2023-06-05; calls named in <see cref="BedrockFlowFixtures"/>).</summary>
public sealed class BedrockFlowDiscoveryTests
{
    private const string Scope = "aws:123456789012:us-east-1:bedrock-agent";
    private const string KbArn = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB00000001";
    private const string HaikuArn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";

    [Fact]
    public async Task Discover_PagedFlowsPromptsDataSources_ReportsThemWithTheirEdges()
    {
        await using FakeAws fake = await FakeAws.StartAsync(BedrockDiscoveryTests.Answer);
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains(Scope, sink.CompletedScopes);

        // Data sources: two pages (nextToken in the body), each linked from its knowledge base.
        Assert.Equal("wiki-confluence", sink.Single(AssetTypes.DownstreamSystem, DataSourcePrefix + "DS00000002").Name);
        Assert.Equal("knowledge_base_data_source", (string?)sink.Single(AssetTypes.DownstreamSystem, DataSourcePrefix + "DS00000001").Attributes["kind"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.DownstreamSystem, KbArn, Relationships.ConnectsTo, AssetTypes.DownstreamSystem, DataSourcePrefix + "DS00000002", Scope), sink.Edges);
        Assert.Contains(fake.Calls, c => c.Path == "/knowledgebases/KB00000001/datasources/" && (string?)c.Body["nextToken"] == "ds-2");

        // Prompts: the model of each variant (GetPrompt).
        Assert.Equal("prompt", (string?)sink.Single(AssetTypes.Function, PromptArn).Attributes["kind"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Function, PromptArn, Relationships.UsesModel, AssetTypes.GenerativeModel, HaikuArn, Scope), sink.Edges);

        // Flows: two pages (nextToken in the query), the alias serving version 2, and what version 2's nodes reference.
        Assert.Contains(fake.Calls, c => c.Path == "/flows/" && c.Query("nextToken") == "flows/2=");
        Assert.Equal("flow", (string?)sink.Single(AssetTypes.Agent, FlowArn).Attributes["kind"]);
        Assert.Equal(["2"], sink.Single(AssetTypes.Agent, FlowArn).Attributes["served_versions"]!.AsArray().Select(v => (string?)v));
        Assert.Equal("flow_alias", (string?)sink.Single(AssetTypes.Endpoint, FlowAliasArn).Attributes["kind"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, FlowAliasArn, Relationships.Serves, AssetTypes.Agent, FlowArn, Scope), sink.Edges);
        Assert.Equal(
            [
                (Relationships.DelegatesTo, "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00002"),
                (Relationships.UsesModel, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"),
                (Relationships.UsesKnowledgeBase, KbArn),
                (Relationships.ConnectsTo, PromptArn),
                (Relationships.UsesModel, HaikuArn),
            ],
            sink.Edges.Where(e => e.SourceId == FlowArn).Select(e => (e.Relationship, e.TargetId)).OrderBy(e => e.TargetId, StringComparer.Ordinal));
        Assert.Contains(fake.Calls, c => c.Path == "/flows/FLOW000001/versions/2/");
        Assert.DoesNotContain(fake.Calls, c => c.Path == "/flows/FLOW000001/");

        // A flow no alias routes to a numbered version is read at its working draft (GetFlow).
        Assert.Equal(["DRAFT"], sink.Single(AssetTypes.Agent, DraftFlowArn).Attributes["served_versions"]!.AsArray().Select(v => (string?)v));
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, DraftFlowArn, Relationships.UsesModel, AssetTypes.GenerativeModel, "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", Scope), sink.Edges);
        Assert.All(fake.Calls.Where(c => c.Service == "agent"), c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "bedrock", c.Region));
    }

    [Fact]
    public async Task Discover_OneFlowVersionAndOneKnowledgeBaseGone_WarnsAndReportsTheirSiblings()
    {
        // GetFlowVersion and ListDataSources answer 404 ResourceNotFoundException for what was deleted after the listing.
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path is "/flows/FLOW000001/versions/2/" or "/knowledgebases/KB00000001/datasources/"
            ? FakeReply.Error(404, "ResourceNotFoundException", $"{call.Path} not found")
            : BedrockDiscoveryTests.Answer(call));
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.DoesNotContain(Scope, recording.Scopes.Keys);
        Assert.Equal(2, sink.Incomplete[Scope].Length);
        Assert.Contains(sink.Incomplete[Scope], w => w.Contains("flow FLOW000001", StringComparison.Ordinal));
        Assert.Contains(sink.Incomplete[Scope], w => w.Contains("knowledge base KB00000001", StringComparison.Ordinal));
        recording.Single(AssetTypes.Agent, DraftFlowArn);
        recording.Single(AssetTypes.Function, PromptArn);
        Assert.DoesNotContain(recording.Edges, e => e.SourceId == FlowArn && e.Relationship != Relationships.Serves);
    }

    [Fact]
    public async Task Discover_FlowsThrottledWithRetryAfter_RetriesAndCompletes()
    {
        int calls = 0;
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path == "/flows/" && Interlocked.Increment(ref calls) == 1
            ? FakeReply.Error(429, "ThrottlingException", "Rate exceeded", new Dictionary<string, string> { ["Retry-After"] = "1" })
            : BedrockDiscoveryTests.Answer(call));
        var sink = new RecordingSink();
        var watch = Stopwatch.StartNew();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains(Scope, sink.CompletedScopes);
        Assert.Equal(3, calls);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"Retry-After: 1 was not honoured ({watch.Elapsed}).");
        sink.Single(AssetTypes.Agent, FlowArn);
    }

    [Fact]
    public async Task Discover_PromptsAccessDenied_FailsTheAgentScopeOnly()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path == "/prompts/"
            ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: bedrock:ListPrompts")
            : BedrockDiscoveryTests.Answer(call));
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(BedrockDiscoveryTests.Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Contains("bedrock:ListPrompts", sink.Scopes[Scope], StringComparison.Ordinal);
        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agentcore"], sink.CompletedScopes.Order());
    }
}

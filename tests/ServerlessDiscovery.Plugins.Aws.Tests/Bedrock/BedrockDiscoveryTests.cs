using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;

public sealed class BedrockDiscoveryTests
{
    private const string Region = "us-east-1";
    private const string Account = AwsTestPlugin.Account;
    private const string FoundationArn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
    private const string AgentArn = "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00001";
    private const string KbArn = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB00000001";

    /// <summary>Answers in the shapes of the Amazon Bedrock and Agents for Amazon Bedrock API references.</summary>
    public static FakeReply Answer(AwsCall call) => (call.Service, call.Request.Method, call.Path) switch
    {
        ("bedrock", "GET", "/foundation-models") => FakeReply.Json(new JsonObject
        {
            ["modelSummaries"] = new JsonArray(new JsonObject
            {
                ["modelArn"] = FoundationArn,
                ["modelId"] = "anthropic.claude-3-haiku-20240307-v1:0",
                ["modelName"] = "Claude 3 Haiku",
                ["providerName"] = "Anthropic",
                ["inputModalities"] = new JsonArray("TEXT", "IMAGE"),
                ["modelLifecycle"] = new JsonObject { ["status"] = "ACTIVE" },
            }),
        }),
        ("bedrock", "GET", "/custom-models") when call.Query("nextToken") is null => FakeReply.Json(new JsonObject
        {
            ["modelSummaries"] = new JsonArray(new JsonObject { ["modelArn"] = $"arn:aws:bedrock:{Region}:{Account}:custom-model/a", ["modelName"] = "custom-a", ["baseModelArn"] = FoundationArn }),
            ["nextToken"] = "custom/2+=",
        }),
        ("bedrock", "GET", "/custom-models") when call.Query("nextToken") == "custom/2+=" => FakeReply.Json(new JsonObject
        {
            ["modelSummaries"] = new JsonArray(new JsonObject { ["modelArn"] = $"arn:aws:bedrock:{Region}:{Account}:custom-model/b", ["modelName"] = "custom-b" }),
        }),
        ("bedrock", "GET", "/imported-models") => FakeReply.Json(new JsonObject { ["modelSummaries"] = new JsonArray() }),
        ("bedrock", "GET", "/provisioned-model-throughputs") => FakeReply.Json(new JsonObject
        {
            ["provisionedModelSummaries"] = new JsonArray(new JsonObject
            {
                ["provisionedModelArn"] = $"arn:aws:bedrock:{Region}:{Account}:provisioned-model/pt1",
                ["provisionedModelName"] = "pt-1",
                ["modelArn"] = $"arn:aws:bedrock:{Region}:{Account}:custom-model/a",
                ["modelUnits"] = 1,
                ["status"] = "InService",
            }),
        }),
        ("bedrock", "GET", "/inference-profiles") => FakeReply.Json(new JsonObject
        {
            ["inferenceProfileSummaries"] = new JsonArray(new JsonObject
            {
                ["inferenceProfileArn"] = $"arn:aws:bedrock:{Region}:{Account}:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
                ["inferenceProfileId"] = "us.anthropic.claude-3-haiku-20240307-v1:0",
                ["inferenceProfileName"] = "US Claude 3 Haiku",
                ["type"] = "SYSTEM_DEFINED",
                ["status"] = "ACTIVE",
                ["models"] = new JsonArray(new JsonObject { ["modelArn"] = FoundationArn }),
            }),
        }),
        ("bedrock", "GET", "/guardrails") => FakeReply.Json(new JsonObject
        {
            ["guardrails"] = new JsonArray(new JsonObject { ["id"] = "gr1", ["arn"] = $"arn:aws:bedrock:{Region}:{Account}:guardrail/gr1", ["name"] = "pii", ["version"] = "DRAFT", ["status"] = "READY" }),
        }),
        ("agent", "POST", "/knowledgebases/") => FakeReply.Json(new JsonObject
        {
            ["knowledgeBaseSummaries"] = new JsonArray(new JsonObject { ["knowledgeBaseId"] = "KB00000001", ["name"] = "handbook", ["status"] = "ACTIVE" }),
        }),
        ("agent", "POST", "/agents/") => FakeReply.Json(new JsonObject
        {
            ["agentSummaries"] = new JsonArray(new JsonObject { ["agentId"] = "AGENT00001", ["agentName"] = "helpdesk", ["agentStatus"] = "PREPARED" }),
        }),
        ("agent", "GET", "/agents/AGENT00001/") => FakeReply.Json(new JsonObject
        {
            ["agent"] = new JsonObject
            {
                ["agentArn"] = AgentArn,
                ["agentId"] = "AGENT00001",
                ["agentName"] = "helpdesk",
                ["agentStatus"] = "PREPARED",
                ["foundationModel"] = "anthropic.claude-3-haiku-20240307-v1:0",
            },
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/DRAFT/actiongroups/") when call.Body["nextToken"] is null => FakeReply.Json(new JsonObject
        {
            ["actionGroupSummaries"] = new JsonArray(new JsonObject { ["actionGroupId"] = "AG00000001", ["actionGroupName"] = "tickets", ["actionGroupState"] = "ENABLED" }),
            ["nextToken"] = "ag-2",
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/DRAFT/actiongroups/") when (string?)call.Body["nextToken"] == "ag-2" => FakeReply.Json(new JsonObject
        {
            ["actionGroupSummaries"] = new JsonArray(new JsonObject { ["actionGroupId"] = "AG00000002", ["actionGroupName"] = "calendar", ["actionGroupState"] = "ENABLED" }),
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/DRAFT/knowledgebases/") => FakeReply.Json(new JsonObject
        {
            ["agentKnowledgeBaseSummaries"] = new JsonArray(new JsonObject { ["knowledgeBaseId"] = "KB00000001", ["knowledgeBaseState"] = "ENABLED" }),
        }),
        _ => FakeReply.Error(400, "ValidationException", $"Unexpected {call.Request.Method} {call.Service} {call.Path}{call.Request.Query}"),
    };

    [Fact]
    public async Task Discover_BedrockAndAgents_ReportsAssetsEdgesSignedAsBedrock()
    {
        await using FakeAws fake = await FakeAws.StartAsync(Answer);
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agent"], sink.CompletedScopes.Order());
        Assert.Equal("Claude 3 Haiku", sink.Single(AssetTypes.GenerativeModel, FoundationArn).Name);
        Assert.Equal("custom-b", sink.Single(AssetTypes.GenerativeModel, $"arn:aws:bedrock:{Region}:{Account}:custom-model/b").Name);
        Assert.Equal("pii", sink.Single(AssetTypes.Function, $"arn:aws:bedrock:{Region}:{Account}:guardrail/gr1").Name);
        Assert.Equal("helpdesk", sink.Single(AssetTypes.Agent, AgentArn).Name);
        Assert.Equal("handbook", sink.Single(AssetTypes.DownstreamSystem, KbArn).Name);
        Assert.Equal("calendar", sink.Single(AssetTypes.Tool, $"{AgentArn}/action-group/AG00000002").Name);

        const string agentScope = "aws:123456789012:us-east-1:bedrock-agent";
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, AgentArn, Relationships.UsesModel, AssetTypes.GenerativeModel, FoundationArn, agentScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, AgentArn, Relationships.UsesTool, AssetTypes.Tool, $"{AgentArn}/action-group/AG00000001", agentScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, AgentArn, Relationships.UsesKnowledgeBase, AssetTypes.DownstreamSystem, KbArn, agentScope), sink.Edges);
        Assert.Contains(sink.Edges, e => e.Relationship == Relationships.Serves && e.SourceType == AssetTypes.Deployment && e.TargetId.EndsWith("custom-model/a", StringComparison.Ordinal));
        Assert.Contains(sink.Edges, e => e.Relationship == Relationships.Serves && e.SourceType == AssetTypes.Endpoint && e.TargetId == FoundationArn);

        // The page token went back URL-encoded, and every request (both hosts) was signed for the "bedrock" signing name.
        Assert.Contains(fake.Calls, c => c.Path == "/custom-models" && c.Query("nextToken") == "custom/2+=");
        Assert.All(fake.Calls, c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "bedrock", c.Region));
    }

    [Fact]
    public async Task Discover_AgentsAccessDenied_FailsAgentScopeAndCompletesBedrock()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Service == "agent"
            ? FakeReply.Error(403, "AccessDeniedException", "not authorized to perform: bedrock:ListKnowledgeBases")
            : Answer(call));
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal(["aws:123456789012:us-east-1:bedrock"], sink.CompletedScopes);
        Assert.Contains("AccessDeniedException", sink.Scopes["aws:123456789012:us-east-1:bedrock-agent"], StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.Agent);
    }

    [Fact]
    public async Task Verify_Reachable_MakesOneSignedCallPerService()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path == "/custom-models" ? FakeReply.Json("""{"modelSummaries":[]}""") : Answer(call));
        await using IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(Config(fake));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(["agent", "bedrock"], fake.Calls.Select(c => c.Service).Order());
        Assert.All(fake.Calls, c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "bedrock", c.Region));
    }

    private static JsonObject Config(FakeAws fake)
    {
        JsonObject config = AwsTestPlugin.StaticKeys(Region);
        config["bedrock_endpoint"] = fake.Template("bedrock");
        config["bedrock_agent_endpoint"] = fake.Template("agent");
        return config;
    }
}

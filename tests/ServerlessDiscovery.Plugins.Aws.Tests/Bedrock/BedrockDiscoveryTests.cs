using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Conformance;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;

public sealed class BedrockDiscoveryTests
{
    private const string Region = "us-east-1";
    private const string Account = AwsTestPlugin.Account;
    private const string FoundationArn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
    private const string AgentArn = "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00001";
    private const string KbArn = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB00000001";
    private const string UnusedFoundationArn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0";
    private const string AppProfileArn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/app0profile1";
    private const string CollaboratorArn = "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00002";
    private const string LiveAliasArn = "arn:aws:bedrock:us-east-1:123456789012:agent-alias/AGENT00001/LIVE000001";

    /// <summary>Answers in the shapes of the Amazon Bedrock, Agents for Amazon Bedrock and AgentCore control API references.</summary>
    public static FakeReply Answer(AwsCall call) => call.Service == "agentcore"
        ? AgentCore.AgentCoreFixtures.Answer(call) ?? FakeReply.Error(400, "ValidationException", $"Unexpected {call.Request.Method} {call.Path}{call.Request.Query}")
        : AnswerBedrock(call);

    private static FakeReply AnswerBedrock(AwsCall call) => (call.Service, call.Request.Method, call.Path) switch
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
            }, new JsonObject
            {
                ["modelArn"] = UnusedFoundationArn,
                ["modelId"] = "amazon.titan-embed-text-v2:0",
                ["modelName"] = "Titan Text Embeddings V2",
                ["providerName"] = "Amazon",
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
        // Bedrock 2023-04-20 ListInferenceProfiles: the "type" query (typeEquals) defaults to SYSTEM_DEFINED; the
        // account's own profiles come only with type=APPLICATION.
        ("bedrock", "GET", "/inference-profiles") when call.Query("type") == "APPLICATION" => FakeReply.Json(new JsonObject
        {
            ["inferenceProfileSummaries"] = new JsonArray(new JsonObject
            {
                ["inferenceProfileArn"] = AppProfileArn,
                ["inferenceProfileId"] = "app0profile1",
                ["inferenceProfileName"] = "support-bot-haiku",
                ["type"] = "APPLICATION",
                ["status"] = "ACTIVE",
                ["models"] = new JsonArray(new JsonObject { ["modelArn"] = FoundationArn }),
            }),
        }),
        ("bedrock", "GET", "/inference-profiles") when call.Query("type") is null or "SYSTEM_DEFINED" => FakeReply.Json(new JsonObject
        {
            ["inferenceProfileSummaries"] = new JsonArray(new JsonObject
            {
                ["inferenceProfileArn"] = $"arn:aws:bedrock:{Region}:{Account}:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0",
                ["inferenceProfileId"] = "us.anthropic.claude-3-haiku-20240307-v1:0",
                ["inferenceProfileName"] = "US Claude 3 Haiku",
                ["type"] = "SYSTEM_DEFINED",
                ["status"] = "ACTIVE",
                ["models"] = new JsonArray(new JsonObject { ["modelArn"] = FoundationArn }, new JsonObject { ["modelArn"] = UnusedFoundationArn }),
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
            ["agentSummaries"] = new JsonArray(
                new JsonObject { ["agentId"] = "AGENT00001", ["agentName"] = "helpdesk", ["agentStatus"] = "PREPARED" },
                new JsonObject { ["agentId"] = "AGENT00002", ["agentName"] = "billing", ["agentStatus"] = "PREPARED" }),
        }),
        ("agent", "GET", "/agents/AGENT00001/") => FakeReply.Json(new JsonObject
        {
            ["agent"] = new JsonObject
            {
                ["agentArn"] = AgentArn,
                ["agentId"] = "AGENT00001",
                ["agentName"] = "helpdesk",
                ["agentStatus"] = "PREPARED",
                ["agentVersion"] = "DRAFT",
                ["foundationModel"] = "amazon.nova-pro-v1:0",
                ["agentCollaboration"] = "SUPERVISOR",
            },
        }),
        ("agent", "GET", "/agents/AGENT00002/") => FakeReply.Json(new JsonObject
        {
            ["agent"] = new JsonObject { ["agentArn"] = CollaboratorArn, ["agentId"] = "AGENT00002", ["agentName"] = "billing", ["agentStatus"] = "PREPARED", ["foundationModel"] = FoundationArn, ["agentCollaboration"] = "DISABLED" },
        }),
        // Agents for Amazon Bedrock 2023-06-05 ListAgentAliases: each alias routes to a version (routingConfiguration).
        ("agent", "POST", "/agents/AGENT00001/agentaliases/") when call.Body["nextToken"] is null => FakeReply.Json(new JsonObject
        {
            ["agentAliasSummaries"] = new JsonArray(new JsonObject
            {
                ["agentAliasId"] = "TSTALIASID",
                ["agentAliasName"] = "AgentTestAlias",
                ["agentAliasStatus"] = "PREPARED",
                ["routingConfiguration"] = new JsonArray(new JsonObject { ["agentVersion"] = "DRAFT" }),
            }),
            ["nextToken"] = "alias-2",
        }),
        ("agent", "POST", "/agents/AGENT00001/agentaliases/") when (string?)call.Body["nextToken"] == "alias-2" => FakeReply.Json(new JsonObject
        {
            ["agentAliasSummaries"] = new JsonArray(new JsonObject
            {
                ["agentAliasId"] = "LIVE000001",
                ["agentAliasName"] = "live",
                ["agentAliasStatus"] = "PREPARED",
                ["routingConfiguration"] = new JsonArray(new JsonObject { ["agentVersion"] = "3" }),
            }),
        }),
        ("agent", "POST", "/agents/AGENT00002/agentaliases/") => FakeReply.Json("""{"agentAliasSummaries":[]}"""),
        ("agent", "GET", "/agents/AGENT00001/agentversions/3/") => FakeReply.Json(new JsonObject
        {
            ["agentVersion"] = new JsonObject
            {
                ["agentArn"] = AgentArn,
                ["agentId"] = "AGENT00001",
                ["agentName"] = "helpdesk",
                ["version"] = "3",
                ["agentStatus"] = "PREPARED",
                ["foundationModel"] = "anthropic.claude-3-haiku-20240307-v1:0",
                ["agentCollaboration"] = "SUPERVISOR",
            },
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/3/actiongroups/") when call.Body["nextToken"] is null => FakeReply.Json(new JsonObject
        {
            ["actionGroupSummaries"] = new JsonArray(new JsonObject { ["actionGroupId"] = "AG00000001", ["actionGroupName"] = "tickets", ["actionGroupState"] = "ENABLED" }),
            ["nextToken"] = "ag-2",
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/3/actiongroups/") when (string?)call.Body["nextToken"] == "ag-2" => FakeReply.Json(new JsonObject
        {
            ["actionGroupSummaries"] = new JsonArray(new JsonObject { ["actionGroupId"] = "AG00000002", ["actionGroupName"] = "calendar", ["actionGroupState"] = "ENABLED" }),
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/3/knowledgebases/") => FakeReply.Json(new JsonObject
        {
            ["agentKnowledgeBaseSummaries"] = new JsonArray(new JsonObject { ["knowledgeBaseId"] = "KB00000001", ["knowledgeBaseState"] = "ENABLED" }),
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/3/agentcollaborators/") => FakeReply.Json(new JsonObject
        {
            ["agentCollaboratorSummaries"] = new JsonArray(new JsonObject
            {
                ["agentId"] = "AGENT00001",
                ["agentVersion"] = "3",
                ["collaboratorId"] = "COLLAB0001",
                ["collaboratorName"] = "billing",
                ["agentDescriptor"] = new JsonObject { ["aliasArn"] = $"arn:aws:bedrock:{Region}:{Account}:agent-alias/AGENT00002/BILLALIAS1" },
                ["collaborationInstruction"] = "Billing questions",
                ["relayConversationHistory"] = "DISABLED",
            }),
        }),
        // The working draft has an action group no alias serves yet.
        ("agent", "POST", "/agents/AGENT00001/agentversions/DRAFT/actiongroups/") => FakeReply.Json(new JsonObject
        {
            ["actionGroupSummaries"] = new JsonArray(new JsonObject { ["actionGroupId"] = "AGDRAFT001", ["actionGroupName"] = "unreleased", ["actionGroupState"] = "ENABLED" }),
        }),
        ("agent", "POST", "/agents/AGENT00001/agentversions/DRAFT/knowledgebases/") => FakeReply.Json("""{"agentKnowledgeBaseSummaries":[]}"""),
        ("agent", "POST", "/agents/AGENT00002/agentversions/DRAFT/actiongroups/") => FakeReply.Json("""{"actionGroupSummaries":[]}"""),
        ("agent", "POST", "/agents/AGENT00002/agentversions/DRAFT/knowledgebases/") => FakeReply.Json("""{"agentKnowledgeBaseSummaries":[]}"""),
        _ => (call.Service == "agent" ? BedrockFlowFixtures.Answer(call) : null)
            ?? FakeReply.Error(400, "ValidationException", $"Unexpected {call.Request.Method} {call.Service} {call.Path}{call.Request.Query}"),
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

        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agent", "aws:123456789012:us-east-1:bedrock-agentcore"], sink.CompletedScopes.Order());
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

        // Application inference profiles are listed with type=APPLICATION, system-defined ones as before.
        Assert.Equal("application_inference_profile", (string?)sink.Single(AssetTypes.Endpoint, AppProfileArn).Attributes["kind"]);
        Assert.Contains(fake.Calls, c => c.Path == "/inference-profiles" && c.Query("type") == "APPLICATION");
        Assert.Contains(fake.Calls, c => c.Path == "/inference-profiles" && c.Query("type") == "SYSTEM_DEFINED");
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, AppProfileArn, Relationships.Serves, AssetTypes.GenerativeModel, FoundationArn, "aws:123456789012:us-east-1:bedrock"), sink.Edges);

        // Only foundation models the account uses are assets; the rest of the catalogue is not.
        Assert.DoesNotContain(sink.Assets, a => a.Id == UnusedFoundationArn);

        // The agent is read at the version its "live" alias serves (3), not at DRAFT.
        Assert.DoesNotContain(sink.Assets, a => a.Id.EndsWith("/action-group/AGDRAFT001", StringComparison.Ordinal));
        Assert.Equal(["3"], sink.Single(AssetTypes.Agent, AgentArn).Attributes["served_versions"]!.AsArray().Select(v => (string?)v));
        Assert.DoesNotContain(sink.Edges, e => e.SourceId == AgentArn && e.TargetId.Contains("nova", StringComparison.Ordinal));
        Assert.Equal("agent_alias", (string?)sink.Single(AssetTypes.Endpoint, LiveAliasArn).Attributes["kind"]);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, LiveAliasArn, Relationships.Serves, AssetTypes.Agent, AgentArn, agentScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, AgentArn, Relationships.DelegatesTo, AssetTypes.Agent, CollaboratorArn, agentScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Agent, CollaboratorArn, Relationships.UsesModel, AssetTypes.GenerativeModel, FoundationArn, agentScope), sink.Edges);
        Assert.Contains(fake.Calls, c => c.Path == "/agents/AGENT00001/agentaliases/" && (string?)c.Body["nextToken"] == "alias-2");

        // The page token went back URL-encoded, and every request (both hosts) was signed for the "bedrock" signing name.
        Assert.Contains(fake.Calls, c => c.Path == "/custom-models" && c.Query("nextToken") == "custom/2+=");
        Assert.All(fake.Calls.Where(c => c.Service != "agentcore"), c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, "bedrock", c.Region));
    }

    [Fact]
    public async Task Discover_FoundationModelCatalogueOptedIn_ReportsTheWholeCatalogue()
    {
        await using FakeAws fake = await FakeAws.StartAsync(Answer);
        JsonObject config = Config(fake);
        config["include_foundation_model_catalog"] = true;
        var sink = new RecordingSink();

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(config))
        {
            await plugin.DiscoverAsync(sink);
        }

        Assert.Equal("foundation_model", (string?)sink.Single(AssetTypes.GenerativeModel, UnusedFoundationArn).Attributes["kind"]);
        sink.Single(AssetTypes.GenerativeModel, FoundationArn);
    }

    [Fact]
    public async Task Discover_OneAgentGone_WarnsAndReportsItsSiblingsWithTheScopeIncomplete()
    {
        // Agents for Amazon Bedrock GetAgent answers 404 ResourceNotFoundException for an agent deleted after ListAgents.
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path == "/agents/AGENT00002/"
            ? FakeReply.Error(404, "ResourceNotFoundException", "Agent AGENT00002 not found")
            : Answer(call));
        var recording = new RecordingSink();
        var sink = new ScopeOutcomeSink(recording);

        await using (IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(Config(fake)))
        {
            await plugin.DiscoverAsync(sink);
        }

        const string agentScope = "aws:123456789012:us-east-1:bedrock-agent";
        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agentcore"], recording.CompletedScopes.Order());
        Assert.Empty(recording.FailedScopes);
        Assert.Contains("AGENT00002", Assert.Single(sink.Incomplete[agentScope]), StringComparison.Ordinal);
        recording.Single(AssetTypes.Agent, AgentArn);
        Assert.DoesNotContain(recording.Assets, a => a.Id == CollaboratorArn);
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

        Assert.Equal(["aws:123456789012:us-east-1:bedrock", "aws:123456789012:us-east-1:bedrock-agentcore"], sink.CompletedScopes.Order());
        Assert.Contains("AccessDeniedException", sink.Scopes["aws:123456789012:us-east-1:bedrock-agent"], StringComparison.Ordinal);
        Assert.DoesNotContain(sink.Assets, a => a.Scope == "aws:123456789012:us-east-1:bedrock-agent");
    }

    [Fact]
    public async Task Verify_Reachable_MakesOneSignedCallPerService()
    {
        await using FakeAws fake = await FakeAws.StartAsync(call => call.Path == "/custom-models" ? FakeReply.Json("""{"modelSummaries":[]}""") : Answer(call));
        await using IPlugin plugin = AwsTestPlugin.Create<AwsBedrockPluginType>(Config(fake));

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
        Assert.Equal(["agent", "agentcore", "bedrock"], fake.Calls.Select(c => c.Service).Order());
        Assert.All(fake.Calls, c => SigV4Verifier.AssertSigned(c.Request, AwsTestPlugin.AccessKeyId, AwsTestPlugin.SecretAccessKey, c.Service == "agentcore" ? "bedrock-agentcore" : "bedrock", c.Region));
    }

    public static JsonObject Config(FakeAws fake)
    {
        JsonObject config = AwsTestPlugin.StaticKeys(Region);
        config["bedrock_endpoint"] = fake.Template("bedrock");
        config["bedrock_agent_endpoint"] = fake.Template("agent");
        config["agentcore_endpoint"] = fake.Template("agentcore");
        return config;
    }
}

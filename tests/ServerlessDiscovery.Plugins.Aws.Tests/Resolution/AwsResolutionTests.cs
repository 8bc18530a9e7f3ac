using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.AgentCore;
using ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;
using ServerlessDiscovery.Plugins.Aws.Tests.SageMaker;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Resolution;

/// <summary>
/// Declared versus observed for Amazon Bedrock, Bedrock Agents, AgentCore and SageMaker: the real aws.bedrock and
/// aws.sagemaker plugins scan the loopback AWS endpoints (<see cref="FakeAws"/> answering with
/// <see cref="BedrockDiscoveryTests.Answer"/>, <see cref="AgentCoreFixtures"/> and <see cref="SageMakerFixtures"/>, the
/// shapes of the Bedrock 2023-04-20, Agents for Bedrock 2023-06-05, AgentCore control and SageMaker API references) into
/// Azurite with explicit static keys; spans as the AWS SDK instrumentations emit them go through the real OpenTelemetry
/// .NET OTLP exporter into the real app and must land on the declared asset (rules bedrock, sagemaker and agent).
/// </summary>
public sealed class AwsResolutionTests : IAsyncLifetime
{
    private const string FoundationArn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0";
    private const string SystemProfileArn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0";
    private const string AppProfileArn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/app0profile1";
    private const string AgentArn = "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT00001";

    private FakeAws _aws = null!;
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _aws = await FakeAws.StartAsync(call => call.Service == "sagemaker" ? SageMakerFixtures.Answer(call) : BedrockDiscoveryTests.Answer(call));
        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());

        await _app.CreateInstanceAsync("aws.bedrock", "bedrock", BedrockDiscoveryTests.Config(_aws));
        JsonObject sagemaker = AwsTestPlugin.StaticKeys("us-east-1", "eu-west-1");
        sagemaker["sagemaker_endpoint"] = _aws.Template("sagemaker");
        sagemaker["sts_endpoint"] = _aws.Template("sts");
        await _app.CreateInstanceAsync("aws.sagemaker", "sagemaker", sagemaker);
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("bedrock"));
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("sagemaker"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _aws.DisposeAsync();
    }

    /// <summary>
    /// A Bedrock Runtime Converse call as opentelemetry-instrumentation-botocore's Bedrock extension records it (GenAI
    /// semantic conventions v1.37, gen-ai-spans.md and aws-bedrock.md): gen_ai.system aws.bedrock, request model = the
    /// modelId sent, server.address the regional runtime host.
    /// </summary>
    private static InstrumentedSpan Converse(string modelId, string region, long input, long output) => new($"chat {modelId}", new Dictionary<string, object>
    {
        ["gen_ai.operation.name"] = "chat",
        ["gen_ai.system"] = "aws.bedrock",
        ["gen_ai.request.model"] = modelId,
        ["rpc.system"] = "aws-api",
        ["rpc.service"] = "Bedrock Runtime",
        ["rpc.method"] = "Converse",
        ["cloud.region"] = region,
        ["server.address"] = $"bedrock-runtime.{region}.amazonaws.com",
        ["server.port"] = 443,
        ["gen_ai.usage.input_tokens"] = input,
        ["gen_ai.usage.output_tokens"] = output,
    });

    /// <summary>
    /// An agent invocation as the GenAI agent-span conventions describe it (gen-ai-agent-spans.md: invoke_agent,
    /// gen_ai.agent.id, gen_ai.agent.name), the id being what InvokeAgent / InvokeAgentRuntime is called with.
    /// </summary>
    private static InstrumentedSpan InvokeAgent(string agentId, string agentName) => new($"invoke_agent {agentName}", new Dictionary<string, object>
    {
        ["gen_ai.operation.name"] = "invoke_agent",
        ["gen_ai.system"] = "aws.bedrock",
        ["gen_ai.agent.id"] = agentId,
        ["gen_ai.agent.name"] = agentName,
    });

    /// <summary>
    /// SageMaker Runtime InvokeEndpoint as an HTTP client span (HTTP semantic conventions, http-spans.md: url.full,
    /// server.address, server.port): it names no model, only the endpoint in the path.
    /// </summary>
    private static InstrumentedSpan InvokeEndpoint(string region, string endpoint) => new("POST", new Dictionary<string, object>
    {
        ["http.request.method"] = "POST",
        ["url.full"] = $"https://runtime.sagemaker.{region}.amazonaws.com/endpoints/{endpoint}/invocations",
        ["server.address"] = $"runtime.sagemaker.{region}.amazonaws.com",
        ["server.port"] = 443,
        ["http.response.status_code"] = 200,
    });

    [Fact]
    public async Task ConverseWithAFoundationModelId_CountsOnTheDeclaredFoundationModel()
    {
        await _app.ObserveAsync("claims-api", Converse("anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", 200, 50), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.GenerativeModel, FoundationArn, "bedrock", 2, 400, 100, ["claims-api"], (AssetTypes.Model, AssetIds.Model("aws.bedrock", "anthropic.claude-3-haiku-20240307-v1:0"))));
    }

    [Fact]
    public async Task ConverseWithACrossRegionInferenceProfileId_CountsOnTheDeclaredProfile()
    {
        await _app.ObserveAsync("claims-api", Converse("us.anthropic.claude-3-haiku-20240307-v1:0", "us-east-1", 11, 7), times: 3);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, SystemProfileArn, "bedrock", 3, 33, 21, ["claims-api"], (AssetTypes.Model, AssetIds.Model("aws.bedrock", "us.anthropic.claude-3-haiku-20240307-v1:0"))));
    }

    [Fact]
    public async Task ConverseWithAnApplicationInferenceProfileArn_CountsOnTheDeclaredProfile()
    {
        // An application inference profile is invoked by its ARN as the modelId.
        await _app.ObserveAsync("support-bot", Converse(AppProfileArn, "us-east-1", 9, 2));

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, AppProfileArn, "bedrock", 1, 9, 2, ["support-bot"], (AssetTypes.Model, AssetIds.Model("aws.bedrock", AppProfileArn))));
    }

    [Fact]
    public async Task InvokeEndpointOverHttp_CountsOnTheDeclaredSageMakerEndpointOfThatRegion()
    {
        await _app.ObserveAsync("churn-scorer", InvokeEndpoint("eu-west-1", "ep-1"), times: 4);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, SageMakerFixtures.Arn("eu-west-1", "endpoint/ep-1"), "sagemaker", 4, 0, 0, ["churn-scorer"], (AssetTypes.Model, AssetIds.Model("aws.sagemaker", "ep-1"))));
        Assert.Equal("declared", (string?)(await _app.GetAssetAsync(AssetTypes.Endpoint, SageMakerFixtures.Arn("us-east-1", "endpoint/ep-1")))["provenance"]);
    }

    [Fact]
    public async Task InvokeAgentWithTheAgentId_CountsOnTheDeclaredBedrockAgent()
    {
        await _app.ObserveAsync("helpdesk-web", InvokeAgent("AGENT00001", "helpdesk"), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(AssetTypes.Agent, AgentArn, "agent", 2, 0, 0, ["helpdesk-web"], (AssetTypes.Agent, AssetIds.Agent("helpdesk"))));
    }

    [Fact]
    public async Task InvokeAgentRuntimeWithTheRuntimeId_CountsOnTheDeclaredAgentCoreRuntime()
    {
        await _app.ObserveAsync("support-portal", InvokeAgent("support_agent-a1b2c3", "support_agent"));

        await _app.AssertResolvedAsync(new ResolvedUse(AssetTypes.Agent, AgentCoreFixtures.RuntimeArn, "agent", 1, 0, 0, ["support-portal"], (AssetTypes.Agent, AssetIds.Agent("support_agent"))));
    }

    [Fact]
    public async Task SpansNamingNothingDeclared_StayTraceDerived()
    {
        // A model the account's Bedrock does not list, a declared model called in a region nobody scans, a SageMaker
        // endpoint that does not exist, and an agent id nobody declared.
        await _app.ObserveAsync("lab", Converse("meta.llama3-70b-instruct-v1:0", "us-east-1", 1, 1));
        await _app.ObserveAsync("lab", Converse("amazon.titan-embed-text-v2:0", "eu-central-1", 1, 0), times: 2);
        await _app.ObserveAsync("lab", InvokeEndpoint("eu-west-1", "ep-9"));
        await _app.ObserveAsync("lab", InvokeAgent("AGENT09999", "rogue"));

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("aws.bedrock", "meta.llama3-70b-instruct-v1:0"), 1);
        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("aws.bedrock", "amazon.titan-embed-text-v2:0"), 2);
        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("aws.sagemaker", "ep-9"), 1);
        await _app.AssertTraceDerivedAsync(AssetTypes.Agent, AssetIds.Agent("rogue"), 1);
    }
}

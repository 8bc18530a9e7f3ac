using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Google.Tests.Resolution;

/// <summary>
/// Declared versus observed for Google Vertex AI: the real gcp.vertex_ai plugin scans the loopback Vertex AI
/// (<see cref="FakeVertexAi"/> answering with <see cref="VertexAiDiscoveryTests.Answer"/>, the REST v1 shapes of
/// projects.locations.endpoints/models/reasoningEngines list) into Azurite with an explicit access token; spans as the
/// Vertex AI SDK instrumentation emits them go through the real OpenTelemetry .NET OTLP exporter into the real app and
/// must land on the declared endpoint, publisher model or Agent Engine (rules vertex-ai and agent).
/// </summary>
public sealed class VertexResolutionTests : IAsyncLifetime
{
    private const string Us = "//aiplatform.googleapis.com/projects/proj-a/locations/us-central1";
    private const string Europe = "//aiplatform.googleapis.com/projects/proj-a/locations/europe-west4";

    private FakeVertexAi _vertex = null!;
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _vertex = await FakeVertexAi.StartAsync();
        _vertex.Handler = VertexAiDiscoveryTests.Answer;
        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());
        await _app.CreateInstanceAsync("gcp.vertex_ai", "vertex", new JsonObject
        {
            ["projects"] = new JsonArray("proj-a"),
            ["locations"] = new JsonArray("us-central1", "europe-west4"),
            ["access_token"] = "ya29.resolution-access-token",
            ["vertex_endpoint"] = _vertex.Template,
            ["requests_per_second"] = 0L,
        });
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("vertex"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _vertex.DisposeAsync();
    }

    /// <summary>
    /// A generateContent / predict call as opentelemetry-instrumentation-vertexai records it (GenAI semantic conventions
    /// v1.37, gen-ai-spans.md): gen_ai.system vertex_ai, request model as the SDK was given it, server.address the
    /// regional API host {location}-aiplatform.googleapis.com.
    /// </summary>
    private static InstrumentedSpan GenerateContent(string model, string location, long input, long output) => new($"chat {model}", new Dictionary<string, object>
    {
        ["gen_ai.operation.name"] = "chat",
        ["gen_ai.system"] = "vertex_ai",
        ["gen_ai.request.model"] = model,
        ["server.address"] = $"{location}-aiplatform.googleapis.com",
        ["server.port"] = 443,
        ["gen_ai.usage.input_tokens"] = input,
        ["gen_ai.usage.output_tokens"] = output,
    });

    [Fact]
    public async Task PublisherModelByShortAndFullName_CountsOnTheDeclaredPublisherModelOfThatLocation()
    {
        await _app.ObserveAsync("docs-search", GenerateContent("gemma-2-9b-it", "us-central1", 30, 12), times: 2);
        await _app.ObserveAsync("docs-search", GenerateContent("publishers/google/models/gemma-2-9b-it", "us-central1", 10, 3));

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.GenerativeModel, $"{Us}/publishers/google/models/gemma-2-9b-it", "vertex-ai", 3, 70, 27, ["docs-search"], (AssetTypes.Model, AssetIds.Model("gcp.vertex_ai", "gemma-2-9b-it"))));
        await _app.AssertAbsentAsync(AssetTypes.Model, AssetIds.Model("gcp.vertex_ai", "publishers/google/models/gemma-2-9b-it"));
        Assert.Equal("declared", (string?)(await _app.GetAssetAsync(AssetTypes.GenerativeModel, $"{Europe}/publishers/google/models/gemma-2-9b-it"))["provenance"]);
    }

    [Fact]
    public async Task PredictOnAnEndpointResourceName_CountsOnTheDeclaredEndpoint()
    {
        await _app.ObserveAsync("fraud-api", GenerateContent("projects/proj-a/locations/europe-west4/endpoints/201", "europe-west4", 4, 1), times: 3);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, $"{Europe}/endpoints/201", "vertex-ai", 3, 12, 3, ["fraud-api"], (AssetTypes.Model, AssetIds.Model("gcp.vertex_ai", "projects/proj-a/locations/europe-west4/endpoints/201"))));
        Assert.Equal("declared", (string?)(await _app.GetAssetAsync(AssetTypes.Endpoint, $"{Us}/endpoints/201"))["provenance"]);
    }

    [Fact]
    public async Task AgentEngineQueryNamingItsResource_CountsOnTheDeclaredReasoningEngine()
    {
        // Agent Engine (ADK on Vertex AI) with the GenAI agent-span conventions (gen-ai-agent-spans.md: invoke_agent,
        // gen_ai.agent.id the reasoning engine's resource name).
        await _app.ObserveAsync("support-portal", new InstrumentedSpan("invoke_agent support-agent", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "invoke_agent",
            ["gen_ai.system"] = "vertex_ai",
            ["gen_ai.agent.id"] = "projects/proj-a/locations/us-central1/reasoningEngines/501",
            ["gen_ai.agent.name"] = "support-agent",
        }), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Agent, $"{Us}/reasoningEngines/501", "agent", 2, 0, 0, ["support-portal"], (AssetTypes.Agent, AssetIds.Agent("support-agent"))));
    }

    [Fact]
    public async Task SpansNamingNothingDeclared_StayTraceDerived()
    {
        // A publisher model the project does not serve, and a declared endpoint's id in a location nobody scans.
        await _app.ObserveAsync("lab", GenerateContent("gemini-1.5-pro", "us-central1", 1, 1), times: 2);
        await _app.ObserveAsync("lab", GenerateContent("projects/proj-a/locations/asia-northeast1/endpoints/201", "asia-northeast1", 1, 1));

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("gcp.vertex_ai", "gemini-1.5-pro"), 2);
        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("gcp.vertex_ai", "projects/proj-a/locations/asia-northeast1/endpoints/201"), 1);
    }
}

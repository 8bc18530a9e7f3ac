using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Databricks.Tests.Resolution;

/// <summary>
/// Declared versus observed for Databricks Model Serving: the real databricks plugin scans the loopback workspace
/// (<see cref="FakeWorkspace"/>: Serving Endpoints API 2.0 list and get) into Azurite with an explicit personal access
/// token; spans as an OpenAI client pointed at the workspace's serving endpoints, and as an HTTP client calling an
/// endpoint's invocations URL, go through the real OpenTelemetry .NET OTLP exporter into the real app and must land on
/// the declared serving endpoint (rule databricks). The workspace listens on a loopback port, so its host is host:port
/// on both sides, as a workspace behind a private endpoint on a non-default port would be.
/// </summary>
public sealed class DatabricksResolutionTests : IAsyncLifetime
{
    private const string ServingEndpoints = """
        {"endpoints":[
          {"name":"support-llm","id":"e1","state":{"ready":"READY"},
           "config":{"served_entities":[{"name":"llama-3","entity_name":"system.ai.meta_llama_v3_3_70b_instruct","entity_version":"1","foundation_model":{"name":"databricks-meta-llama-3-3-70b-instruct"}}]}},
          {"name":"churn-scoring","id":"e2","state":{"ready":"READY"},
           "config":{"served_entities":[{"name":"churn-2","entity_name":"main.ml.churn","entity_version":"2"}]}}
        ]}
        """;

    private FakeWorkspace _workspace = null!;
    private EngineApp _app = null!;

    private int Port => _workspace.Server.BaseAddress.Port;

    private string Host => _workspace.Host;

    public async Task InitializeAsync()
    {
        _workspace = await FakeWorkspace.StartAsync();
        _workspace.Json("/api/2.0/serving-endpoints", ServingEndpoints);
        foreach (JsonNode? endpoint in JsonNode.Parse(ServingEndpoints)!["endpoints"]!.AsArray())
        {
            _workspace.Json($"/api/2.0/serving-endpoints/{(string)endpoint!["name"]!}", endpoint.ToJsonString());
        }

        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());
        await _app.CreateInstanceAsync("databricks", "dbx", new JsonObject { ["workspace_url"] = _workspace.Server.BaseAddress.ToString(), ["token"] = FakeWorkspace.Pat });
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("dbx"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _workspace.DisposeAsync();
    }

    /// <summary>
    /// A chat completion as opentelemetry-instrumentation-openai-v2 records it (GenAI semantic conventions v1.37,
    /// gen-ai-spans.md) for an OpenAI client with base URL {workspace}/serving-endpoints: gen_ai.system openai, request
    /// model = the serving endpoint's name, server.address and server.port from the base URL.
    /// </summary>
    private InstrumentedSpan Chat(string model, long input, long output) => new($"chat {model}", new Dictionary<string, object>
    {
        ["gen_ai.operation.name"] = "chat",
        ["gen_ai.system"] = "openai",
        ["gen_ai.request.model"] = model,
        ["server.address"] = "127.0.0.1",
        ["server.port"] = Port,
        ["gen_ai.usage.input_tokens"] = input,
        ["gen_ai.usage.output_tokens"] = output,
    });

    [Fact]
    public async Task OpenAiClientOnTheWorkspace_CountsOnTheServingEndpointItNames()
    {
        await _app.ObserveAsync("support-bot", Chat("support-llm", 50, 20), times: 3);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, $"{Host}/serving-endpoints/support-llm", "databricks", 3, 150, 60, ["support-bot"], (AssetTypes.Model, AssetIds.Model("openai", "support-llm"))));
    }

    [Fact]
    public async Task InvocationsUrlOverHttp_CountsOnTheServingEndpointInThePath()
    {
        // Model Serving's REST invocations (POST {workspace}/serving-endpoints/{name}/invocations) as an HTTP client span
        // (HTTP semantic conventions, http-spans.md: url.full, server.address, server.port) with the model named as
        // the endpoint, as MLflow's deployments client passes it.
        await _app.ObserveAsync("churn-batch", new InstrumentedSpan("chat churn-scoring", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.request.model"] = "churn-scoring",
            ["http.request.method"] = "POST",
            ["url.full"] = $"http://127.0.0.1:{Port}/serving-endpoints/churn-scoring/invocations",
            ["server.address"] = "127.0.0.1",
            ["server.port"] = Port,
        }), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Endpoint, $"{Host}/serving-endpoints/churn-scoring", "databricks", 2, 0, 0, ["churn-batch"], (AssetTypes.Model, AssetIds.Model("unknown", "churn-scoring"))));
    }

    [Fact]
    public async Task SpansNamingNothingDeclared_StayTraceDerived()
    {
        // An endpoint the workspace does not serve, and a declared endpoint's name on another workspace.
        await _app.ObserveAsync("lab", Chat("retired-llm", 1, 1), times: 2);
        await _app.ObserveAsync("lab", new InstrumentedSpan("chat support-llm", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.provider.name"] = "databricks",
            ["gen_ai.request.model"] = "support-llm",
            ["server.address"] = "dbc-other.cloud.databricks.com",
        }));

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("openai", "retired-llm"), 2);
        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("databricks", "support-llm"), 1);
    }
}

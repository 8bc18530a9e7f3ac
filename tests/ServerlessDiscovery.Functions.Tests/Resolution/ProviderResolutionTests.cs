using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Resolution;

/// <summary>
/// Per resolution rule: a declared asset, in the id and attribute shape its plugin reports against that plugin's fake
/// provider (the fixture named per case), is scanned into Azurite; spans as the provider's SDKs and instrumentations emit
/// them (OpenTelemetry GenAI semantic conventions, gen-ai-spans.md and mcp.md, v1.37) go through the real OpenTelemetry
/// .NET OTLP exporter into the real app; after a flush the usage is on the declared asset, which says provenance "both",
/// and no trace-derived duplicate exists. A span that matches nothing stays trace-derived.
/// </summary>
public sealed class ProviderResolutionTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?>
    {
        ["Otlp:FlushInterval"] = "01:00:00",
        ["Discovery:ResolutionIndexTtl"] = "00:00:00",
    });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    /// <summary>One provider: what its plugin declares, the span its SDK emits, and the trace identity that must not appear.</summary>
    public sealed record ProviderCase(string Name, DiscoveredAsset[] Declared, DiscoveredAsset Target, Dictionary<string, object> Span, string SpanName, (string Type, string Id) TraceIdentity, long InputTokens, long OutputTokens);

    private const string AzureAccount = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/contoso-aoai";

    public static TheoryData<string> Cases => [.. AllCases.Keys];

    private static readonly Dictionary<string, ProviderCase> AllCases = new[]
    {
        // Azure plugin, SubscriptionScan against tests/ServerlessDiscovery.Plugins.Azure.Tests/FakeArm.cs (ListCognitiveServicesAccounts, ListDeployments);
        // span: OpenAI .NET SDK / Azure.AI.OpenAI instrumentation (gen_ai.system openai, server.address the account host, request model = deployment).
        new ProviderCase("azure-openai",
            [
                Asset(AssetTypes.Endpoint, AzureAccount, "contoso-aoai", new() { ["endpoint"] = "https://contoso-aoai.openai.azure.com/", ["custom_subdomain"] = "contoso-aoai" }),
                Asset(AssetTypes.Deployment, AzureAccount + "/deployments/prod-chat", "prod-chat", new() { ["account_id"] = AzureAccount, ["model_name"] = "gpt-4o" }),
            ],
            Asset(AssetTypes.Deployment, AzureAccount + "/deployments/prod-chat", "prod-chat", []),
            new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "openai", ["gen_ai.request.model"] = "prod-chat", ["gen_ai.response.model"] = "gpt-4o-2024-08-06", ["server.address"] = "contoso-aoai.openai.azure.com", ["server.port"] = 443, ["gen_ai.usage.input_tokens"] = 100, ["gen_ai.usage.output_tokens"] = 20 },
            "chat prod-chat", (AssetTypes.Model, "openai/prod-chat"), 100, 20),

        // AWS plugin, BedrockDiscovery against tests/ServerlessDiscovery.Plugins.Aws.Tests/Fakes/FakeAws.cs (ListInferenceProfiles);
        // span: opentelemetry-instrumentation-botocore Bedrock extension (gen_ai.system aws.bedrock, model = inference profile id).
        new ProviderCase("bedrock",
            [Asset(AssetTypes.Endpoint, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", "US Claude 3.5 Sonnet", new() { ["inferenceProfileId"] = "us.anthropic.claude-3-5-sonnet-20240620-v1:0", ["region"] = "us-east-1", ["kind"] = "inference_profile" })],
            Asset(AssetTypes.Endpoint, "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", "", []),
            new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "aws.bedrock", ["gen_ai.request.model"] = "us.anthropic.claude-3-5-sonnet-20240620-v1:0", ["server.address"] = "bedrock-runtime.us-east-1.amazonaws.com", ["gen_ai.usage.input_tokens"] = 40, ["gen_ai.usage.output_tokens"] = 8 },
            "chat us.anthropic.claude-3-5-sonnet-20240620-v1:0", (AssetTypes.Model, "aws.bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0"), 40, 8),

        // AWS plugin, SageMakerDiscovery against FakeAws.cs (ListEndpoints, DescribeEndpoint); span: the AWS SDK's HTTP client span
        // (System.Net.Http instrumentation: url.full, server.address) for InvokeEndpoint, which names no model.
        new ProviderCase("sagemaker",
            [Asset(AssetTypes.Endpoint, "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn-xgb", "churn-xgb", new() { ["EndpointStatus"] = "InService", ["region"] = "eu-west-1" })],
            Asset(AssetTypes.Endpoint, "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/churn-xgb", "", []),
            new() { ["http.request.method"] = "POST", ["url.full"] = "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/churn-xgb/invocations", ["server.address"] = "runtime.sagemaker.eu-west-1.amazonaws.com", ["server.port"] = 443 },
            "POST", (AssetTypes.Model, "aws.sagemaker/churn-xgb"), 0, 0),

        // Google plugin, VertexAiPlugin against tests/ServerlessDiscovery.Plugins.Google.Tests/FakeVertexAi.cs (publisher models served by endpoints);
        // span: opentelemetry-instrumentation-vertexai (gen_ai.system vertex_ai, server.address {location}-aiplatform.googleapis.com).
        new ProviderCase("vertex-ai",
            [Asset(AssetTypes.GenerativeModel, "//aiplatform.googleapis.com/projects/acme-ml/locations/us-central1/publishers/google/models/gemini-1.5-flash-002", "gemini-1.5-flash-002", [])],
            Asset(AssetTypes.GenerativeModel, "//aiplatform.googleapis.com/projects/acme-ml/locations/us-central1/publishers/google/models/gemini-1.5-flash-002", "", []),
            new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "vertex_ai", ["gen_ai.request.model"] = "gemini-1.5-flash-002", ["server.address"] = "us-central1-aiplatform.googleapis.com", ["server.port"] = 443, ["gen_ai.usage.input_tokens"] = 12, ["gen_ai.usage.output_tokens"] = 3 },
            "chat gemini-1.5-flash-002", (AssetTypes.Model, "gcp.vertex_ai/gemini-1.5-flash-002"), 12, 3),

        // Databricks plugin, WorkspaceScan against tests/ServerlessDiscovery.Plugins.Databricks.Tests/FakeWorkspace.cs (serving-endpoints);
        // span: OpenAI SDK instrumentation with base URL https://{workspace}/serving-endpoints, model = endpoint name.
        new ProviderCase("databricks",
            [Asset(AssetTypes.Endpoint, "dbc-7a1b.cloud.databricks.com/serving-endpoints/support-llm", "support-llm", new() { ["state"] = "READY" })],
            Asset(AssetTypes.Endpoint, "dbc-7a1b.cloud.databricks.com/serving-endpoints/support-llm", "", []),
            new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "openai", ["gen_ai.request.model"] = "support-llm", ["server.address"] = "dbc-7a1b.cloud.databricks.com", ["server.port"] = 443, ["gen_ai.usage.input_tokens"] = 7, ["gen_ai.usage.output_tokens"] = 5 },
            "chat support-llm", (AssetTypes.Model, "openai/support-llm"), 7, 5),

        // LiteLLM plugin, ProxyScan against tests/ServerlessDiscovery.Plugins.LiteLlm.Tests/FakeProxy.cs (GET /model/info);
        // span: OpenAI SDK instrumentation pointed at the proxy (server.address/port the proxy, model = alias).
        new ProviderCase("litellm",
            [Asset(AssetTypes.Deployment, "litellm.internal:4000/model/f3a9", "team-gpt", new() { ["proxy"] = "litellm.internal:4000", ["alias"] = "team-gpt", ["litellm_model"] = "azure/gpt-4o", ["provider"] = "azure" })],
            Asset(AssetTypes.Deployment, "litellm.internal:4000/model/f3a9", "", []),
            new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "openai", ["gen_ai.request.model"] = "team-gpt", ["server.address"] = "litellm.internal", ["server.port"] = 4000, ["gen_ai.usage.input_tokens"] = 9, ["gen_ai.usage.output_tokens"] = 1 },
            "chat team-gpt", (AssetTypes.Model, "openai/team-gpt"), 9, 1),

        // MCP plugin, McpAssets against tests/ServerlessDiscovery.Plugins.Mcp.TestServer (server id = normalised URL, tools {server}#tool:{name});
        // span: an MCP client span (mcp.md: mcp.method.name, gen_ai.tool.name, server.address/port).
        new ProviderCase("mcp-tool",
            [
                Asset(AssetTypes.McpServer, "http://mcp.internal:8080/mcp", "weather", new() { ["endpoint"] = "http://mcp.internal:8080/mcp", ["server_name"] = "weather" }),
                Asset(AssetTypes.McpTool, "http://mcp.internal:8080/mcp#tool:get_forecast", "get_forecast", new() { ["server_id"] = "http://mcp.internal:8080/mcp", ["tool_name"] = "get_forecast" }),
            ],
            Asset(AssetTypes.McpTool, "http://mcp.internal:8080/mcp#tool:get_forecast", "", []),
            new() { ["mcp.method.name"] = "tools/call", ["gen_ai.operation.name"] = "execute_tool", ["gen_ai.tool.name"] = "get_forecast", ["server.address"] = "mcp.internal", ["server.port"] = 8080, ["network.transport"] = "tcp" },
            "tools/call get_forecast", (AssetTypes.McpTool, "mcp.internal:8080/get_forecast"), 0, 0),

        // AWS plugin, BedrockAgentDiscovery (agent ARN); span: an invoke_agent span naming gen_ai.agent.id (gen-ai-agent-spans.md).
        new ProviderCase("agent",
            [Asset(AssetTypes.Agent, "arn:aws:bedrock:us-east-1:123456789012:agent/KX7QZ2ABCD", "support-agent", new() { ["agentStatus"] = "PREPARED" })],
            Asset(AssetTypes.Agent, "arn:aws:bedrock:us-east-1:123456789012:agent/KX7QZ2ABCD", "", []),
            new() { ["gen_ai.operation.name"] = "invoke_agent", ["gen_ai.system"] = "aws.bedrock", ["gen_ai.agent.id"] = "KX7QZ2ABCD", ["gen_ai.agent.name"] = "support-agent" },
            "invoke_agent support-agent", (AssetTypes.Agent, "support-agent"), 0, 0),
    }.ToDictionary(c => c.Name, StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Span_MatchingDeclaredAsset_CountsOnItWithBothProvenances(string name)
    {
        ProviderCase c = AllCases[name];
        string instance = "declared-" + name;
        FakeSource source = FakeSource.Create();
        foreach (DiscoveredAsset declared in c.Declared)
        {
            source.Assets[declared.Id] = declared;
        }

        await _app.CreateFakeInstanceAsync(instance, source);
        EngineAppEndToEnd.Counts(await _app.RefreshAsync(instance));

        Export(c.SpanName, c.Span, times: 3, service: "checkout-api");
        await _app.App.Get<TraceFlusher>().FlushAsync();

        JsonObject asset = await _app.GetAssetAsync(c.Target.Type, c.Target.Id);
        Assert.Equal("both", (string?)asset["provenance"]);
        JsonObject observed = asset["observed"]!.AsObject();
        Assert.Equal(3, (long)observed["invocations"]!);
        Assert.Equal(3 * c.InputTokens, (long)observed["input_tokens"]!);
        Assert.Equal(3 * c.OutputTokens, (long)observed["output_tokens"]!);
        Assert.Equal(["checkout-api"], observed["services"]!.AsArray().Select(s => (string)s!));
        Assert.NotNull(observed["first_invocation"]);
        Assert.Equal(name, (string?)observed["rule"]);
        Assert.All(asset["attribute_sources"]!.AsObject(), p => Assert.Equal("scan", (string?)p.Value));
        using HttpResponseMessage duplicate = await _app.Client.GetAsync($"api/v1/assets/{c.TraceIdentity.Type}/{c.TraceIdentity.Id}");
        Assert.Equal(HttpStatusCode.NotFound, duplicate.StatusCode);

        // The AI-BOM says the same: the declared element carries its provenance and observed use, and no duplicate.
        JsonObject bom = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/bom"))!;
        JsonObject[] elements = [.. (bom["components"]?.AsArray() ?? []).Concat(bom["services"]?.AsArray() ?? []).Select(n => n!.AsObject())];
        JsonObject element = Assert.Single(elements, e => (string?)e["bom-ref"] == $"{c.Target.Type}/{c.Target.Id}");
        Dictionary<string, string?> properties = element["properties"]!.AsArray()
            .GroupBy(p => (string)p!["name"]!).ToDictionary(g => g.Key, g => (string?)g.First()!["value"]);
        Assert.Equal("both", properties["serverlessdiscovery:provenance"]);
        Assert.Equal("3", properties["serverlessdiscovery:observed:invocations"]);
        Assert.DoesNotContain(elements, e => (string?)e["bom-ref"] == $"{c.TraceIdentity.Type}/{c.TraceIdentity.Id}");

        // Counting again adds onto the same declared asset; the scan's row is untouched, so a re-scan still writes nothing.
        Export(c.SpanName, c.Span, times: 1, service: "billing-api");
        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject again = (await _app.GetAssetAsync(c.Target.Type, c.Target.Id))["observed"]!.AsObject();
        Assert.Equal(4, (long)again["invocations"]!);
        Assert.Equal(["billing-api", "checkout-api"], again["services"]!.AsArray().Select(s => (string)s!));
        JsonObject rescan = EngineAppEndToEnd.Counts(await _app.RefreshAsync(instance));
        Assert.Equal(c.Declared.Length, (int)rescan["unchanged"]!);
        Assert.Equal(4, (long)(await _app.GetAssetAsync(c.Target.Type, c.Target.Id))["observed"]!["invocations"]!);
    }

    [Fact]
    public async Task Span_MatchingNothing_StaysTraceDerivedWithObservedProvenance()
    {
        FakeSource source = FakeSource.Create();
        source.Assets["acct"] = AllCases["azure-openai"].Declared[0];
        await _app.CreateFakeInstanceAsync("declared-none", source);
        await _app.RefreshAsync("declared-none");

        // api.openai.com: no plugin declares OpenAI's public API. Also an Azure host whose deployment is not declared.
        Export("chat gpt-4o", new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.provider.name"] = "openai", ["gen_ai.request.model"] = "gpt-4o", ["server.address"] = "api.openai.com", ["gen_ai.usage.input_tokens"] = 5 }, 2, "lab");
        Export("chat other", new() { ["gen_ai.operation.name"] = "chat", ["gen_ai.request.model"] = "other-deployment", ["server.address"] = "contoso-aoai.openai.azure.com" }, 1, "lab");
        await _app.App.Get<TraceFlusher>().FlushAsync();

        JsonObject gpt = await _app.GetAssetAsync(AssetTypes.Model, "openai/gpt-4o");
        Assert.Equal("observed", (string?)gpt["provenance"]);
        Assert.Equal(2, (long)gpt["observed"]!["invocations"]!);
        Assert.Equal(10, (long)gpt["observed"]!["input_tokens"]!);
        Assert.Equal("trace", (string?)gpt["attribute_sources"]!["model"]);
        JsonObject other = await _app.GetAssetAsync(AssetTypes.Model, "azure.ai.openai/other-deployment");
        Assert.Equal("observed", (string?)other["provenance"]);
        Assert.Equal("inferred", (string?)other["attribute_sources"]!["provider"]);

        JsonObject observedOnly = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/inventory?provenance=observed"))!;
        Assert.Equal(["azure.ai.openai/other-deployment", "openai/gpt-4o"], observedOnly["items"]!.AsArray().Select(a => (string)a!["id"]!).Order());
        JsonObject declaredOnly = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/models?provenance=declared"))!;
        Assert.Equal(0, (int)declaredOnly["count"]!);
        using HttpResponseMessage bad = await _app.Client.GetAsync("api/v1/assets?provenance=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AgentCallingDeclaredDeployment_LineageAndCallersNameTheDeclaredAsset()
    {
        FakeSource source = FakeSource.Create();
        DiscoveredAsset deployment = AllCases["litellm"].Declared[0];
        source.Assets[deployment.Id] = deployment;
        await _app.CreateFakeInstanceAsync("declared-lineage", source);
        await _app.RefreshAsync("declared-lineage");

        Export("invoke_agent triage", new() { ["gen_ai.operation.name"] = "invoke_agent", ["gen_ai.agent.name"] = "triage", ["gen_ai.request.model"] = "team-gpt", ["gen_ai.system"] = "openai", ["server.address"] = "litellm.internal", ["server.port"] = 4000 }, 1, "helpdesk");
        await _app.App.Get<TraceFlusher>().FlushAsync();

        await _app.AssertEdgeAsync("triage", Relationships.UsesModel, AssetTypes.Deployment, deployment.Id);
        JsonObject asset = await _app.GetAssetAsync(AssetTypes.Deployment, deployment.Id);
        Assert.Equal("both", (string?)asset["provenance"]);
        Assert.Equal(0, (long)asset["observed"]!["invocations"]!);
    }

    [Fact]
    public async Task FindingsAndProvenance_AreValidatedAndInTheOpenApiDocument()
    {
        using HttpResponseMessage kind = await _app.Client.GetAsync("api/v1/findings?kind=rogue");
        using HttpResponseMessage state = await _app.Client.GetAsync("api/v1/findings?state=closed");
        using HttpResponseMessage typeList = await _app.Client.GetAsync("api/v1/models?provenance=all");
        JsonObject empty = (await _app.Client.GetFromJsonAsync<JsonObject>("api/v1/findings?kind=unused&state=open"))!;
        JsonObject openApi = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        Assert.Equal(HttpStatusCode.BadRequest, kind.StatusCode);
        Assert.Contains("kind", await kind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, state.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, typeList.StatusCode);
        Assert.Equal(0, (int)empty["count"]!);
        JsonObject paths = openApi["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/findings"));
        Assert.Equal(["kind", "state"], paths["/api/v1/findings"]!["get"]!["parameters"]!.AsArray().Select(p => (string)p!["name"]!).Order());
        Assert.Contains(paths["/api/v1/assets"]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "provenance");
        Assert.Contains(paths["/api/v1/models"]!["get"]!["parameters"]!.AsArray(), p => (string?)p!["name"] == "provenance");
    }

    private void Export(string spanName, Dictionary<string, object> tags, int times, string service)
    {
        using var source = new ActivitySource("resolution-" + Guid.NewGuid().ToString("N"));
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        for (int i = 0; i < times; i++)
        {
            using Activity span = source.StartActivity(spanName, ActivityKind.Client)!;
            foreach ((string key, object value) in tags)
            {
                span.SetTag(key, value);
            }
        }

        Assert.True(provider.ForceFlush(10_000));
    }

    private static DiscoveredAsset Asset(string type, string id, string name, JsonObject attributes) =>
        new(type, id, name, "fake:resolution") { Attributes = attributes };
}

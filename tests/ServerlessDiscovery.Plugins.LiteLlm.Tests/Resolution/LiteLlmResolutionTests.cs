using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests.Resolution;

/// <summary>
/// Declared versus observed for a LiteLLM proxy: the real litellm plugin scans the loopback proxy (<see cref="FakeProxy"/>:
/// GET /model/info as LiteLLM's "Proxy - Model Management" documents it) into Azurite with an explicit master key; spans
/// as an OpenAI client pointed at the proxy emits them go through the real OpenTelemetry .NET OTLP exporter into the
/// real app and must land on the declared deployment of that alias (rule litellm).
/// </summary>
public sealed class LiteLlmResolutionTests : IAsyncLifetime
{
    private FakeProxy _proxy = null!;
    private EngineApp _app = null!;

    private string Host => _proxy.Host;

    public async Task InitializeAsync()
    {
        _proxy = await FakeProxy.StartAsync();

        // team-gpt: one deployment behind the alias. chat-default: two deployments load-balanced behind one alias.
        _proxy.Json("/model/info", """
            {"data":[
              {"model_name":"team-gpt","litellm_params":{"model":"azure/prod-gpt4o","api_base":"https://contoso-aoai.openai.azure.com/"},"model_info":{"id":"f3a9"}},
              {"model_name":"chat-default","litellm_params":{"model":"openai/gpt-4o"},"model_info":{"id":"a1"}},
              {"model_name":"chat-default","litellm_params":{"model":"azure/gpt-4o"},"model_info":{"id":"b2"}}
            ]}
            """);
        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());
        await _app.CreateInstanceAsync("litellm", "proxy", new JsonObject { ["proxy_url"] = _proxy.Server.BaseAddress.ToString(), ["master_key"] = FakeProxy.MasterKey });
        EngineAppEndToEnd.Counts(await _app.RefreshAsync("proxy"));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    /// <summary>
    /// A chat completion as opentelemetry-instrumentation-openai-v2 records it (GenAI semantic conventions v1.37,
    /// gen-ai-spans.md) for an OpenAI client with the proxy as base URL: gen_ai.system openai, request model = the
    /// proxy's alias, response model = what the proxy answered, server.address and server.port the proxy's.
    /// </summary>
    private InstrumentedSpan Chat(string alias, long input, long output) => new($"chat {alias}", new Dictionary<string, object>
    {
        ["gen_ai.operation.name"] = "chat",
        ["gen_ai.system"] = "openai",
        ["gen_ai.request.model"] = alias,
        ["gen_ai.response.model"] = "gpt-4o-2024-08-06",
        ["server.address"] = "127.0.0.1",
        ["server.port"] = _proxy.Server.BaseAddress.Port,
        ["gen_ai.usage.input_tokens"] = input,
        ["gen_ai.usage.output_tokens"] = output,
    });

    [Fact]
    public async Task ChatThroughTheProxyWithAnAlias_CountsOnTheDeploymentBehindIt()
    {
        await _app.ObserveAsync("team-app", Chat("team-gpt", 21, 8), times: 3);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Deployment, $"{Host}/model/f3a9", "litellm", 3, 63, 24, ["team-app"], (AssetTypes.Model, AssetIds.Model("openai", "team-gpt"))));
    }

    [Fact]
    public async Task AliasNobodyConfigured_StaysTraceDerived()
    {
        await _app.ObserveAsync("lab", Chat("claude-3-opus", 1, 1), times: 2);

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("openai", "claude-3-opus"), 2);
    }

    [Fact]
    public async Task AliasLoadBalancedOverTwoDeployments_IsAmbiguousAndStaysTraceDerived()
    {
        // README, "Declared versus observed": an identity naming several declared assets stays trace-derived, so
        // neither deployment is credited with calls the proxy may have routed to the other.
        await _app.ObserveAsync("lab", Chat("chat-default", 5, 5));

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("openai", "chat-default"), 1);
        Assert.Null((await _app.GetAssetAsync(AssetTypes.Deployment, $"{Host}/model/a1"))["observed"]);
        Assert.Null((await _app.GetAssetAsync(AssetTypes.Deployment, $"{Host}/model/b2"))["observed"]);
    }
}

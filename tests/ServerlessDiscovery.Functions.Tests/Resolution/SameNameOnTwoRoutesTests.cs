using System.Diagnostics;
using System.Net;
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
/// One trace identity on several routes in one flush: the same deployment name on two Azure OpenAI accounts, the same
/// Bedrock model in two regions, the same LiteLLM alias on two proxies. The trace-derived identity is (provider, model),
/// which does not say where the call went; the resolution keys do (account, region, proxy). Each call's usage must land on
/// its own route's declared asset, whether the calls came in one OTLP request (the OpenTelemetry .NET exporter's batch
/// processor) or in several (its simple processor), and a route that resolves to nothing stays trace-derived with only its
/// own calls. Declared shapes as in <see cref="ProviderResolutionTests"/> (the Azure plugin against FakeArm.cs
/// ListCognitiveServicesAccounts/ListDeployments, the AWS plugin against FakeAws.cs ListFoundationModels, the LiteLLM
/// plugin against FakeProxy.cs GET /model/info); spans per the GenAI semantic conventions (gen-ai-spans.md, v1.37).
/// </summary>
public sealed class SameNameOnTwoRoutesTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?>
    {
        ["Otlp:FlushInterval"] = "01:00:00",
        ["Otlp:EarlyDrain"] = "false",
        ["Discovery:ResolutionIndexTtl"] = "00:00:00",
    });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    private const string Subscription = "/subscriptions/00000000-0000-0000-0000-000000000001/resourcegroups/rg-ai/providers/microsoft.cognitiveservices/accounts/";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AzureOpenAi_SameDeploymentOnTwoAccounts_EachAccountsCallsCountOnItsOwnDeployment(bool oneRequest)
    {
        string suffix = oneRequest ? "one" : "many";
        (string accountA, string accountB) = ($"acct-a-{suffix}", $"acct-b-{suffix}");
        await DeclareAsync($"azure-{suffix}", [.. AzureAccount(accountA), .. AzureAccount(accountB)]);

        Export(oneRequest, "checkout-api",
            (Chat("gpt-4o", $"{accountA}.openai.azure.com", input: 10, output: 1), 3),
            (Chat("gpt-4o", $"{accountB}.openai.azure.com", input: 20, output: 2), 2));
        await _app.App.Get<TraceFlusher>().FlushAsync();

        await AssertObservedAsync(AssetTypes.Deployment, Subscription + accountA + "/deployments/gpt-4o", invocations: 3, input: 30, output: 3);
        await AssertObservedAsync(AssetTypes.Deployment, Subscription + accountB + "/deployments/gpt-4o", invocations: 2, input: 40, output: 4);
        await AssertAbsentAsync(AssetTypes.Model, "openai/gpt-4o");
    }

    [Fact]
    public async Task AzureOpenAi_OneAccountDeclared_TheOtherAccountsCallsStayTraceDerived()
    {
        await DeclareAsync("azure-half", AzureAccount("acct-declared"));

        Export(oneRequest: true, "checkout-api",
            (Chat("gpt-4o-mini", "acct-declared.openai.azure.com", input: 5, output: 1), 2),
            (Chat("gpt-4o-mini", "acct-elsewhere.openai.azure.com", input: 7, output: 1), 4));
        await _app.App.Get<TraceFlusher>().FlushAsync();

        await AssertObservedAsync(AssetTypes.Deployment, Subscription + "acct-declared/deployments/gpt-4o-mini", invocations: 2, input: 10, output: 2);
        JsonObject undeclared = await AssertObservedAsync(AssetTypes.Model, "openai/gpt-4o-mini", invocations: 4, input: 28, output: 4, provenance: "observed");
        Assert.Equal("acct-elsewhere.openai.azure.com", (string?)undeclared["attributes"]!["server_address"]);
    }

    [Fact]
    public async Task Bedrock_SameModelInTwoRegions_EachRegionsCallsCountOnItsOwnModel()
    {
        const string model = "anthropic.claude-3-haiku-20240307-v1:0";
        await DeclareAsync("bedrock-regions",
        [
            Asset(AssetTypes.GenerativeModel, $"arn:aws:bedrock:us-east-1::foundation-model/{model}", "Claude 3 Haiku", new() { ["modelId"] = model, ["region"] = "us-east-1" }),
            Asset(AssetTypes.GenerativeModel, $"arn:aws:bedrock:eu-west-1::foundation-model/{model}", "Claude 3 Haiku", new() { ["modelId"] = model, ["region"] = "eu-west-1" }),
        ]);

        Export(oneRequest: true, "claims",
            (Bedrock(model, "us-east-1"), 1),
            (Bedrock(model, "eu-west-1"), 5));
        await _app.App.Get<TraceFlusher>().FlushAsync();

        await AssertObservedAsync(AssetTypes.GenerativeModel, $"arn:aws:bedrock:us-east-1::foundation-model/{model}", invocations: 1, input: 4, output: 2);
        await AssertObservedAsync(AssetTypes.GenerativeModel, $"arn:aws:bedrock:eu-west-1::foundation-model/{model}", invocations: 5, input: 20, output: 10);
        await AssertAbsentAsync(AssetTypes.Model, $"aws.bedrock/{model}");
    }

    [Fact]
    public async Task LiteLlm_SameAliasOnTwoProxies_EachProxysCallsCountOnItsOwnDeployment()
    {
        await DeclareAsync("litellm-proxies",
        [
            Asset(AssetTypes.Deployment, "proxy-a.internal:4000/model/1", "team-gpt", new() { ["proxy"] = "proxy-a.internal:4000", ["alias"] = "team-gpt" }),
            Asset(AssetTypes.Deployment, "proxy-b.internal:4000/model/1", "team-gpt", new() { ["proxy"] = "proxy-b.internal:4000", ["alias"] = "team-gpt" }),
        ]);

        Export(oneRequest: false, "helpdesk",
            (Proxy("proxy-b.internal"), 2),
            (Proxy("proxy-a.internal"), 1));
        await _app.App.Get<TraceFlusher>().FlushAsync();

        await AssertObservedAsync(AssetTypes.Deployment, "proxy-a.internal:4000/model/1", invocations: 1, input: 0, output: 0);
        await AssertObservedAsync(AssetTypes.Deployment, "proxy-b.internal:4000/model/1", invocations: 2, input: 0, output: 0);
        await AssertAbsentAsync(AssetTypes.Model, "openai/team-gpt");
    }

    private static DiscoveredAsset[] AzureAccount(string account) =>
    [
        Asset(AssetTypes.Endpoint, Subscription + account, account, new() { ["endpoint"] = $"https://{account}.openai.azure.com/", ["custom_subdomain"] = account }),
        Asset(AssetTypes.Deployment, Subscription + account + "/deployments/gpt-4o", "gpt-4o", new() { ["account_id"] = Subscription + account, ["model_name"] = "gpt-4o" }),
        Asset(AssetTypes.Deployment, Subscription + account + "/deployments/gpt-4o-mini", "gpt-4o-mini", new() { ["account_id"] = Subscription + account, ["model_name"] = "gpt-4o-mini" }),
    ];

    /// <summary>The OpenAI .NET SDK's chat span against an Azure OpenAI account (request model = deployment name).</summary>
    private static Dictionary<string, object> Chat(string deployment, string host, long input, long output) => new()
    {
        ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "openai", ["gen_ai.request.model"] = deployment,
        ["server.address"] = host, ["server.port"] = 443, ["gen_ai.usage.input_tokens"] = input, ["gen_ai.usage.output_tokens"] = output,
    };

    /// <summary>opentelemetry-instrumentation-botocore's Bedrock Converse span.</summary>
    private static Dictionary<string, object> Bedrock(string model, string region) => new()
    {
        ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "aws.bedrock", ["gen_ai.request.model"] = model,
        ["server.address"] = $"bedrock-runtime.{region}.amazonaws.com", ["gen_ai.usage.input_tokens"] = 4, ["gen_ai.usage.output_tokens"] = 2,
    };

    /// <summary>The OpenAI SDK pointed at a LiteLLM proxy (model = the proxy's alias).</summary>
    private static Dictionary<string, object> Proxy(string host) => new()
    {
        ["gen_ai.operation.name"] = "chat", ["gen_ai.system"] = "openai", ["gen_ai.request.model"] = "team-gpt", ["server.address"] = host, ["server.port"] = 4000,
    };

    private async Task DeclareAsync(string instance, DiscoveredAsset[] assets)
    {
        FakeSource source = FakeSource.Create();
        foreach (DiscoveredAsset asset in assets)
        {
            source.Assets[asset.Id] = asset;
        }

        await _app.CreateFakeInstanceAsync(instance, source);
        EngineAppEndToEnd.Counts(await _app.RefreshAsync(instance));
    }

    private async Task<JsonObject> AssertObservedAsync(string type, string id, long invocations, long input, long output, string provenance = "both")
    {
        JsonObject asset = await _app.GetAssetAsync(type, id);
        Assert.Equal(provenance, (string?)asset["provenance"]);
        JsonObject observed = asset["observed"]!.AsObject();
        Assert.Equal((invocations, input, output), ((long)observed["invocations"]!, (long)observed["input_tokens"]!, (long)observed["output_tokens"]!));
        return asset;
    }

    private async Task AssertAbsentAsync(string type, string id)
    {
        using HttpResponseMessage response = await _app.Client.GetAsync($"api/v1/assets/{type}/{id}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>
    /// The spans through the real OpenTelemetry .NET OTLP exporter: with <paramref name="oneRequest"/> the batch processor
    /// sends them all in one request at the flush, else the simple processor sends one request per span.
    /// </summary>
    private void Export(bool oneRequest, string service, params (Dictionary<string, object> Tags, int Times)[] spans)
    {
        using var source = new ActivitySource("routes-" + Guid.NewGuid().ToString("N"));
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(service))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = oneRequest ? ExportProcessorType.Batch : ExportProcessorType.Simple;
                o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = 600_000;
            })
            .Build();
        foreach ((Dictionary<string, object> tags, int times) in spans)
        {
            for (int i = 0; i < times; i++)
            {
                using Activity span = source.StartActivity($"chat {tags["gen_ai.request.model"]}", ActivityKind.Client)!;
                foreach ((string key, object value) in tags)
                {
                    span.SetTag(key, value);
                }
            }
        }

        Assert.True(provider.ForceFlush(10_000));
    }

    private static DiscoveredAsset Asset(string type, string id, string name, JsonObject attributes) =>
        new(type, id, name, "fake:resolution") { Attributes = attributes };
}

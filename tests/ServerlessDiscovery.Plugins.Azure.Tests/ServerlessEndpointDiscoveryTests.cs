using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// Azure ML serverless (models-as-a-service) endpoints: azure-rest-api-specs
/// specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-10-01,
/// operationId ServerlessEndpoints_List (GET {workspace}/serverlessEndpoints, $skipToken paging through nextLink; shape of
/// examples/Workspace/ServerlessEndpoint/list.json: modelSettings.modelId, authMode, inferenceEndpoint {uri, headers},
/// endpointState, contentSafety, marketplaceSubscriptionId).
/// </summary>
public sealed class ServerlessEndpointDiscoveryTests : IAsyncLifetime
{
    private static readonly string MlScope = $"azure:{FakeArm.Sub.ToLowerInvariant()}:machinelearningservices";
    private static readonly string Ws1 = Workspace("Proj-1");
    private static readonly string Ws2 = Workspace("Proj-2");
    private FakeArm _arm = null!;

    public async Task InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        _arm.Json(FakeArm.WorkspacesPath, $$$"""{"value":[{{{WorkspaceJson("Proj-1")}}},{{{WorkspaceJson("Proj-2")}}}]}""");
        _arm.Pages(Ws1 + "/serverlessEndpoints",
            [Endpoint(Ws1, "llama-maas", "azureml://registries/azureml-meta/models/Meta-Llama-3.1-70B-Instruct")],
            [Endpoint(Ws1, "mistral-maas", "azureml://registries/azureml-mistral/models/Mistral-large-2407")]);
        _arm.Json(Ws2 + "/serverlessEndpoints", $$$"""{"value":[{{{Endpoint(Ws2, "llama-2", "azureml://registries/azureml-meta/models/Meta-Llama-3.1-70B-Instruct")}}}]}""");
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task Discover_ServerlessEndpointsOverSeveralPages_ReportsEndpointsServingTheirModels()
    {
        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(MlScope, sink.CompletedScopes);
        string ws = Ws1.ToLowerInvariant();
        DiscoveredAsset llama = sink.Single(AssetTypes.Endpoint, ws + "/serverlessendpoints/llama-maas");
        Assert.Equal("serverless_endpoint", (string?)llama.Attributes["kind"]);
        Assert.Equal("Key", (string?)llama.Attributes["auth_mode"]);
        Assert.Equal("https://llama-maas.eastus2.models.ai.azure.com/", (string?)llama.Attributes["inference_uri"]);
        Assert.DoesNotContain("sig=", llama.Attributes.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("header-secret", llama.Attributes.ToJsonString(), StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, ws + "/serverlessendpoints/mistral-maas");
        Assert.Contains(_arm.Server.Requests, r => r.Path == Ws1 + "/serverlessEndpoints" && r.Query.Contains("page=1", StringComparison.Ordinal));

        string model = "azureml://registries/azureml-meta/models/meta-llama-3.1-70b-instruct";
        Assert.Equal("Meta-Llama-3.1-70B-Instruct", sink.Single(AssetTypes.Model, model).Name);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, llama.Id, Relationships.Serves, AssetTypes.Model, model, MlScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, Ws2.ToLowerInvariant() + "/serverlessendpoints/llama-2", Relationships.Serves, AssetTypes.Model, model, MlScope), sink.Edges);
        Assert.Contains(new DiscoveredEdge(AssetTypes.Endpoint, ws, Relationships.Contains, AssetTypes.Endpoint, llama.Id, MlScope), sink.Edges);
    }

    [Fact]
    public async Task Discover_ServerlessEndpointsThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _arm.Route(Ws2 + "/serverlessEndpoints", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeArm.WriteAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}""");
            }

            return FakeArm.WriteAsync(context, 200, $$$"""{"value":[{{{Endpoint(Ws2, "llama-2", "azureml://registries/azureml-meta/models/Meta-Llama-3.1-70B-Instruct")}}}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(MlScope, sink.CompletedScopes);
        sink.Single(AssetTypes.Endpoint, Ws2.ToLowerInvariant() + "/serverlessendpoints/llama-2");
    }

    [Fact]
    public async Task Discover_OneWorkspacesServerlessEndpointsFail_WarnsAndReportsTheOtherWorkspace()
    {
        _arm.Json(Ws2 + "/serverlessEndpoints", """{"error":{"code":"InternalServerError","message":"An unexpected error occurred."}}""", 500);

        RecordingSink sink = await DiscoverAsync();

        Assert.DoesNotContain(MlScope, sink.Scopes.Keys);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(MlScope, scope);
        Assert.StartsWith("workspace Proj-2: ", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, Ws1.ToLowerInvariant() + "/serverlessendpoints/llama-maas");
    }

    [Fact]
    public async Task Discover_WorkspaceWithoutServerlessEndpoints_NoneAndNoWarning()
    {
        _arm.Json(Ws2 + "/serverlessEndpoints", """{"error":{"code":"ResourceNotFound","message":"The resource type 'serverlessEndpoints' is not supported for this workspace kind."}}""", 404);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(MlScope, sink.CompletedScopes);
        Assert.Empty(sink.Warnings);
        Assert.DoesNotContain(sink.Assets, a => a.Id.StartsWith(Ws2.ToLowerInvariant() + "/serverlessendpoints", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_MachineLearningNotRegistered_ScopeUnavailable()
    {
        _arm.Json(FakeArm.WorkspacesPath, """{"error":{"code":"MissingSubscriptionRegistration","message":"The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'."}}""", 409);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(MlScope, sink.UnavailableScopes.Keys);
        Assert.DoesNotContain(sink.Assets, a => a.Id.Contains("serverlessendpoints", StringComparison.Ordinal));
    }

    private static string Workspace(string name) => $"/subscriptions/{FakeArm.Sub}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/{name}";

    private static string WorkspaceJson(string name) =>
        $$$"""{"id":"{{{Workspace(name)}}}","name":"{{{name}}}","type":"Microsoft.MachineLearningServices/workspaces","kind":"Project","location":"eastus2","properties":{"friendlyName":"{{{name}}}"}}""";

    private static string Endpoint(string workspace, string name, string model) =>
        $$$"""{"id":"{{{workspace}}}/serverlessEndpoints/{{{name}}}","name":"{{{name}}}","type":"Microsoft.MachineLearningServices/workspaces/serverlessEndpoints","location":"eastus2","sku":{"name":"Consumption"},"properties":{"modelSettings":{"modelId":"{{{model}}}"},"authMode":"Key","inferenceEndpoint":{"uri":"https://{{{name}}}.eastus2.models.ai.azure.com/?sig=abc","headers":{"x-extra":"header-secret"}},"provisioningState":"Succeeded","endpointState":"Online","marketplaceSubscriptionId":"/subscriptions/{{{FakeArm.Sub}}}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/x/marketplaceSubscriptions/llama","contentSafety":{"contentSafetyStatus":"Enabled"} } }""";

    private async Task<RecordingSink> DiscoverAsync()
    {
        var type = new AzureAiFoundryPluginType();
        var raw = new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["arm_base_url"] = _arm.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
        };
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>Discovery against a loopback ARM answering with the shapes of the Cognitive Services and Machine Learning REST references.</summary>
public sealed class AzureAiFoundryDiscoveryTests : IAsyncLifetime
{
    private static readonly string CogScope = $"azure:{FakeArm.Sub.ToLowerInvariant()}:cognitiveservices";
    private static readonly string MlScope = $"azure:{FakeArm.Sub.ToLowerInvariant()}:machinelearningservices";
    private FakeArm _arm = null!;

    public async Task InitializeAsync() => _arm = await FakeArm.StartAsync();

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task Discover_AccountsAndDeploymentsOverSeveralPages_ReportsEveryAssetWithLowerCasedArmIds()
    {
        _arm.Pages(FakeArm.AccountsPath,
            [FakeArm.Account("Aoai-One", "OpenAI"), FakeArm.Account("speech", "SpeechServices")],
            [FakeArm.Account("Foundry-Two", "AIServices")]);
        _arm.Pages(FakeArm.AccountId("Aoai-One") + "/deployments",
            [FakeArm.Deployment("Aoai-One", "gpt4o-prod", "gpt-4o", "2024-08-06", capacity: 450)],
            [FakeArm.Deployment("Aoai-One", "embed", "text-embedding-3-large", "1")]);
        _arm.Json(FakeArm.AccountId("Foundry-Two") + "/deployments",
            $$$"""{"value":[{{{FakeArm.Deployment("Foundry-Two", "llama", "Llama-3.3-70B-Instruct", "4", "Meta")}}}, {{{FakeArm.Deployment("Foundry-Two", "gpt4o", "gpt-4o", "2024-11-20")}}}]}""");
        _arm.Json(FakeArm.AccountId("Foundry-Two") + "/projects",
            $$$"""{"value":[{"id":"{{{FakeArm.AccountId("Foundry-Two")}}}/projects/Proj-A","name":"Foundry-Two/Proj-A","type":"Microsoft.CognitiveServices/accounts/projects","location":"swedencentral","properties":{"displayName":"Project A","isDefault":true,"endpoints":{"AI Foundry API":"https://foundry-two.services.ai.azure.com/api/projects/Proj-A"} } }]}""");

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal([CogScope, MlScope], sink.CompletedScopes.Order());
        string accountId = FakeArm.AccountId("Aoai-One").ToLowerInvariant();
        DiscoveredAsset account = sink.Single(AssetTypes.Endpoint, accountId);
        Assert.Equal(FakeArm.AccountId("Aoai-One"), account.Attributes["resource_id"]!.GetValue<string>());
        Assert.Equal("OpenAI", account.Attributes["kind"]!.GetValue<string>());
        Assert.DoesNotContain(sink.Assets, a => a.Name == "speech");

        DiscoveredAsset deployment = sink.Single(AssetTypes.Deployment, accountId + "/deployments/gpt4o-prod");
        Assert.Equal("gpt-4o", deployment.Attributes["model_name"]!.GetValue<string>());
        Assert.Equal("2024-08-06", deployment.Attributes["model_version"]!.GetValue<string>());
        Assert.Equal("GlobalStandard", deployment.Attributes["sku"]!.GetValue<string>());
        Assert.Equal(450, deployment.Attributes["capacity"]!.GetValue<int>());
        Assert.NotNull(sink.Assets.SingleOrDefault(a => a.Id == accountId + "/deployments/embed"));

        Assert.Single(sink.Assets, a => a.Type == AssetTypes.Model && a.Id == "azure.ai.openai/gpt-4o");
        sink.Single(AssetTypes.Model, "azure.ai.inference/llama-3.3-70b-instruct");
        Assert.Contains(sink.Edges, e => e.SourceId == accountId + "/deployments/gpt4o-prod" && e.Relationship == Relationships.Serves && e.TargetId == "azure.ai.openai/gpt-4o");
        Assert.Contains(sink.Edges, e => e.SourceId == accountId && e.Relationship == Relationships.Contains && e.TargetId == accountId + "/deployments/gpt4o-prod");

        string foundryId = FakeArm.AccountId("Foundry-Two").ToLowerInvariant();
        DiscoveredAsset project = sink.Single(AssetTypes.Endpoint, foundryId + "/projects/proj-a");
        Assert.Equal("Project A", project.Attributes["display_name"]!.GetValue<string>());
        Assert.Contains(sink.Edges, e => e.SourceId == foundryId && e.Relationship == Relationships.Contains && e.TargetId == project.Id);
        Assert.Equal(2, _arm.Server.Requests.Count(r => r.Path == FakeArm.AccountsPath));
    }

    [Fact]
    public async Task Discover_MachineLearningWorkspaceWithOnlineEndpoints_ReportsEndpointsDeploymentsAndModels()
    {
        string ws = $"/subscriptions/{FakeArm.Sub}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/WS1";
        _arm.Json(FakeArm.WorkspacesPath, $$$"""{"value":[{"id":"{{{ws}}}","name":"WS1","type":"Microsoft.MachineLearningServices/workspaces","kind":"Project","location":"eastus","properties":{"friendlyName":"Workspace one","hubResourceId":"/subscriptions/{{{FakeArm.Sub}}}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/HUB"}}]}""");
        _arm.Json(ws + "/onlineEndpoints", $$$"""{"value":[{"id":"{{{ws}}}/onlineEndpoints/chat-ep","name":"chat-ep","type":"Microsoft.MachineLearningServices/workspaces/onlineEndpoints","properties":{"authMode":"Key","scoringUri":"https://chat-ep.eastus.inference.ml.azure.com/score","traffic":{"blue":100},"provisioningState":"Succeeded"}}]}""");
        _arm.Json(ws + "/onlineEndpoints/chat-ep/deployments", $$$"""{"value":[{"id":"{{{ws}}}/onlineEndpoints/chat-ep/deployments/blue","name":"blue","type":"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments","sku":{"name":"Default","capacity":1},"properties":{"endpointComputeType":"Managed","instanceType":"Standard_NC24ads_A100_v4","model":"azureml://registries/azureml-meta/models/Llama-2-7b-chat/versions/24","provisioningState":"Succeeded"}}]}""");

        RecordingSink sink = await DiscoverAsync();

        string wsId = ws.ToLowerInvariant();
        string endpointId = wsId + "/onlineendpoints/chat-ep";
        Assert.Contains(MlScope, sink.CompletedScopes);
        Assert.Equal("https://chat-ep.eastus.inference.ml.azure.com/score", sink.Single(AssetTypes.Endpoint, endpointId).Attributes["scoring_uri"]!.GetValue<string>());
        DiscoveredAsset deployment = sink.Single(AssetTypes.Deployment, endpointId + "/deployments/blue");
        Assert.Equal("Standard_NC24ads_A100_v4", deployment.Attributes["instance_type"]!.GetValue<string>());
        DiscoveredAsset model = sink.Single(AssetTypes.Model, "azureml://registries/azureml-meta/models/llama-2-7b-chat/versions/24");
        Assert.Equal("Llama-2-7b-chat", model.Name);
        Assert.Contains(sink.Edges, e => e.SourceId == deployment.Id && e.Relationship == Relationships.Serves && e.TargetId == model.Id);
        Assert.Contains(sink.Edges, e => e.SourceId == wsId && e.TargetId == endpointId);
        Assert.Contains(sink.Edges, e => e.SourceId.EndsWith("/workspaces/hub", StringComparison.Ordinal) && e.TargetId == wsId);
    }

    [Fact]
    public async Task Discover_ThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _arm.Route(FakeArm.AccountsPath, context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeArm.WriteAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}""");
            }

            return FakeArm.WriteAsync(context, 200, $$$"""{"value":[{{{FakeArm.Account("aoai", "OpenAI")}}}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(CogScope, sink.CompletedScopes);
        sink.Single(AssetTypes.Endpoint, FakeArm.AccountId("aoai").ToLowerInvariant());
    }

    [Fact]
    public async Task Discover_MachineLearningForbidden_FailsThatScopeOnlyAndKeepsOthers()
    {
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("aoai", "OpenAI")}}}]}""");
        _arm.Json(FakeArm.WorkspacesPath, """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read'."}}""", 403);

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal([CogScope], sink.CompletedScopes);
        string error = Assert.Single(sink.FailedScopes, s => s.Key == MlScope).Value!;
        Assert.Contains("403", error, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", error, StringComparison.Ordinal);
        sink.Single(AssetTypes.Endpoint, FakeArm.AccountId("aoai").ToLowerInvariant());
    }

    [Theory]
    [InlineData("""{"value":[{"id":"/subscriptions/x/resourceGroups/g/providers/Microsoft.CognitiveServices/accounts/a/deployments/d","name":"d","prop""")]
    [InlineData("""{"values":[]}""")]
    [InlineData("""{"value":[{"name":"no-id"}]}""")]
    [InlineData("""[1,2,3]""")]
    public async Task Discover_OneAccountsDeploymentsMalformed_WarnsAndReportsItsSiblings(string body)
    {
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("aoai", "OpenAI")}}},{{{FakeArm.Account("other", "OpenAI")}}}]}""");
        _arm.Json(FakeArm.AccountId("aoai") + "/deployments", body);
        _arm.Json(FakeArm.AccountId("other") + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("other", "gpt4o", "gpt-4o", "2024-11-20")}}}]}""");

        RecordingSink sink = await DiscoverAsync();

        AssertIncompleteBecauseOf("account aoai", sink);
        sink.Single(AssetTypes.Deployment, FakeArm.AccountId("other").ToLowerInvariant() + "/deployments/gpt4o");
        sink.Single(AssetTypes.Endpoint, FakeArm.AccountId("aoai").ToLowerInvariant());
    }

    private static void AssertIncompleteBecauseOf(string item, RecordingSink sink)
    {
        Assert.Equal([MlScope], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(CogScope, scope);
        Assert.StartsWith(item + ": ", warning, StringComparison.Ordinal);
    }

    /// <summary>A subscription that never registered a resource provider answers 409 MissingSubscriptionRegistration: nothing of it can exist there.</summary>
    [Fact]
    public async Task Discover_ProviderNotRegistered_ReportsThatScopeUnavailableNotFailed()
    {
        _arm.Json(FakeArm.WorkspacesPath, """{"error":{"code":"MissingSubscriptionRegistration","message":"The subscription is not registered to use namespace 'Microsoft.MachineLearningServices'."}}""", 409);

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal([CogScope], sink.CompletedScopes);
        Assert.Empty(sink.FailedScopes);
        Assert.Contains("MissingSubscriptionRegistration", sink.UnavailableScopes[MlScope], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_ResponseCutOffMidBody_WarnsForThatAccount()
    {
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("aoai", "OpenAI")}}}]}""");
        _arm.Route(FakeArm.AccountId("aoai") + "/deployments", async context =>
        {
            context.Response.ContentLength = 5000;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"value":[{"id":""");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });

        RecordingSink sink = await DiscoverAsync();

        AssertIncompleteBecauseOf("account aoai", sink);
    }

    [Fact]
    public async Task Discover_NextLinkToAnotherHost_FailsScopeWithoutSendingTheToken()
    {
        _arm.Json(FakeArm.AccountsPath, """{"value":[],"nextLink":"http://203.0.113.9/subscriptions/x/providers/Microsoft.CognitiveServices/accounts?api-version=2025-06-01&$skiptoken=abc"}""");

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains("outside the configured ARM endpoint", Assert.Single(sink.FailedScopes).Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discover_EveryRequest_CarriesTheBearerTokenAndAnApiVersion()
    {
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Foundry", "AIServices")}}}]}""");

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, sink.CompletedScopes.Count());
        Assert.True(_arm.Server.Requests.Count >= 4);
        Assert.All(_arm.Server.Requests, r =>
        {
            Assert.Equal($"Bearer {FakeArm.Token}", r.Headers["Authorization"]);
            Assert.Contains("api-version=", r.Query, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Discover_WrongToken_FailsEveryScopeWith401()
    {
        RecordingSink sink = await DiscoverAsync(token: "wrong");

        Assert.Empty(sink.CompletedScopes);
        Assert.Equal(2, sink.FailedScopes.Count());
        Assert.All(sink.FailedScopes, s => Assert.Contains("401", s.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_NoSubscriptionsConfigured_ScansEverySubscriptionListed()
    {
        _arm.Pages("/subscriptions",
            [$$$"""{"id":"/subscriptions/{{{FakeArm.Sub}}}","subscriptionId":"{{{FakeArm.Sub}}}","displayName":"AI","state":"Enabled"}"""],
            ["""{"id":"/subscriptions/11111111-1111-1111-1111-111111111111","subscriptionId":"11111111-1111-1111-1111-111111111111","displayName":"Other","state":"Enabled"}"""]);

        RecordingSink sink = await DiscoverAsync(FakeArm.Token, subscriptions: null);

        Assert.Equal(5, sink.CompletedScopes.Count());
        Assert.Contains("azure:subscriptions", sink.CompletedScopes);
        Assert.Contains("azure:11111111-1111-1111-1111-111111111111:cognitiveservices", sink.CompletedScopes);
        Assert.Contains(_arm.Server.Requests, r => r.Path.StartsWith("/subscriptions/11111111-1111-1111-1111-111111111111/providers/Microsoft.MachineLearningServices", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_SubscriptionListFails_ReportsTheSubscriptionsScopeFailed()
    {
        _arm.Json("/subscriptions", """{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}""", 401);

        RecordingSink sink = await DiscoverAsync(FakeArm.Token, subscriptions: null);

        Assert.Equal("azure:subscriptions", Assert.Single(sink.FailedScopes).Key);
        Assert.Empty(sink.CompletedScopes);
    }

    [Fact]
    public async Task Verify_ValidToken_Succeeds()
    {
        _arm.Json($"/subscriptions/{FakeArm.Sub}", $$$"""{"id":"/subscriptions/{{{FakeArm.Sub}}}","subscriptionId":"{{{FakeArm.Sub}}}"}""");
        await using IPlugin plugin = Create(FakeArm.Token, [FakeArm.Sub]);

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task Verify_RejectedToken_FailsNamingTheStatus()
    {
        await using IPlugin plugin = Create("wrong", [FakeArm.Sub]);

        VerifyResult result = await plugin.VerifyConnectionAsync();

        Assert.False(result.Success);
        Assert.Contains("401", result.Error, StringComparison.Ordinal);
    }

    private Task<RecordingSink> DiscoverAsync(string token = FakeArm.Token) => DiscoverAsync(token, [FakeArm.Sub]);

    private async Task<RecordingSink> DiscoverAsync(string token, string[]? subscriptions)
    {
        await using IPlugin plugin = Create(token, subscriptions);
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }

    private IPlugin Create(string token, string[]? subscriptions)
    {
        var raw = new JsonObject { ["bearer_token"] = token, ["arm_base_url"] = _arm.BaseAddress.ToString() };
        if (subscriptions is not null)
        {
            raw["subscription_ids"] = new JsonArray([.. subscriptions.Select(s => (JsonNode?)s)]);
        }

        var type = new AzureAiFoundryPluginType();
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        return type.Create(config, TestPluginContext.Create());
    }
}

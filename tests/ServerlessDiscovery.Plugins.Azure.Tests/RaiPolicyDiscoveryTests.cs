using System.Diagnostics;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Configuration;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>
/// Content filter (RAI) policies as guardrails: azure-rest-api-specs
/// specification/cognitiveservices/resource-manager/Microsoft.CognitiveServices/stable/2025-06-01, operationId
/// RaiPolicies_List (GET {account}/raiPolicies; shape of examples/ListRaiPolicies.json, properties.type
/// SystemManaged/UserManaged), and Deployments_List's properties.raiPolicyName naming the policy a deployment uses.
/// </summary>
public sealed class RaiPolicyDiscoveryTests : IAsyncLifetime
{
    private static readonly string CogScope = $"azure:{FakeArm.Sub.ToLowerInvariant()}:cognitiveservices";
    private static readonly string One = FakeArm.AccountId("Aoai-One");
    private static readonly string Two = FakeArm.AccountId("Aoai-Two");
    private FakeArm _arm = null!;

    public async Task InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Aoai-One", "OpenAI")}}},{{{FakeArm.Account("Aoai-Two", "OpenAI")}}}]}""");
        _arm.Json(One + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Aoai-One", "gpt4o", "gpt-4o", "2024-11-20")}}},{{{Deployment("Aoai-One", "strict-chat", "Strict")}}}]}""");
        _arm.Pages(One + "/raiPolicies", [Policy("Aoai-One", "Microsoft.DefaultV2", "SystemManaged")], [Policy("Aoai-One", "Strict", "UserManaged")]);
        _arm.Json(Two + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Aoai-Two", "mini", "gpt-4o-mini", "2024-07-18")}}}]}""");
        _arm.Json(Two + "/raiPolicies", $$$"""{"value":[{{{Policy("Aoai-Two", "Microsoft.DefaultV2", "SystemManaged")}}}]}""");
    }

    public async Task DisposeAsync() => await _arm.DisposeAsync();

    [Fact]
    public async Task Discover_PoliciesOverSeveralPages_ReportsGuardrailsAndTheDeploymentsTheyGuard()
    {
        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(CogScope, sink.CompletedScopes);
        string account = One.ToLowerInvariant();
        DiscoveredAsset strict = sink.Single(AssetTypes.Function, account + "/raipolicies/strict");
        Assert.Equal("guardrail", (string?)strict.Attributes["kind"]);
        Assert.Equal("UserManaged", (string?)strict.Attributes["policy_type"]);
        Assert.Equal("Microsoft.DefaultV2", (string?)strict.Attributes["base_policy_name"]);
        Assert.Equal("Hate", (string?)strict.Attributes["content_filters"]![0]!["name"]);
        DiscoveredAsset system = sink.Single(AssetTypes.Function, account + "/raipolicies/microsoft.defaultv2");
        Assert.Contains(_arm.Server.Requests, r => r.Path == One + "/raiPolicies" && r.Query.Contains("page=1", StringComparison.Ordinal));

        Assert.Contains(Guarded(account + "/deployments/strict-chat", strict.Id), sink.Edges);
        Assert.Contains(Guarded(account + "/deployments/gpt4o", system.Id), sink.Edges);
        Assert.Contains(Guarded(Two.ToLowerInvariant() + "/deployments/mini", Two.ToLowerInvariant() + "/raipolicies/microsoft.defaultv2"), sink.Edges);
    }

    [Fact]
    public async Task Discover_PoliciesThrottledWithRetryAfter_WaitsAndCompletes()
    {
        int calls = 0;
        _arm.Route(Two + "/raiPolicies", context =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return FakeArm.WriteAsync(context, 429, """{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}""");
            }

            return FakeArm.WriteAsync(context, 200, $$$"""{"value":[{{{Policy("Aoai-Two", "Microsoft.DefaultV2", "SystemManaged")}}}]}""");
        });
        var clock = Stopwatch.StartNew();

        RecordingSink sink = await DiscoverAsync();

        Assert.Equal(2, calls);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"Retried after {clock.Elapsed}, before the 1 s Retry-After.");
        Assert.Contains(CogScope, sink.CompletedScopes);
        sink.Single(AssetTypes.Function, Two.ToLowerInvariant() + "/raipolicies/microsoft.defaultv2");
    }

    [Fact]
    public async Task Discover_OneAccountsPoliciesForbidden_WarnsAndReportsTheOtherAccount()
    {
        _arm.Json(Two + "/raiPolicies", """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/raiPolicies/read'."}}""", 403);

        RecordingSink sink = await DiscoverAsync();

        Assert.DoesNotContain(CogScope, sink.Scopes.Keys);
        (string scope, string warning) = Assert.Single(sink.Warnings);
        Assert.Equal(CogScope, scope);
        Assert.StartsWith("account Aoai-Two: ", warning, StringComparison.Ordinal);
        Assert.Contains("AuthorizationFailed", warning, StringComparison.Ordinal);
        sink.Single(AssetTypes.Deployment, Two.ToLowerInvariant() + "/deployments/mini");
        sink.Single(AssetTypes.Function, One.ToLowerInvariant() + "/raipolicies/strict");
    }

    [Fact]
    public async Task Discover_PoliciesNotOfferedForTheAccount_NoGuardrailsAndNoWarning()
    {
        _arm.Json(Two + "/raiPolicies", """{"error":{"code":"InvalidResourceType","message":"The resource type 'raiPolicies' could not be found in the namespace 'Microsoft.CognitiveServices' for api version '2025-06-01'."}}""", 400);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(CogScope, sink.CompletedScopes);
        Assert.Empty(sink.Warnings);
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.Function && a.Id.StartsWith(Two.ToLowerInvariant(), StringComparison.Ordinal));
        Assert.DoesNotContain(sink.Edges, e => e.Relationship == "guarded_by" && e.SourceId.StartsWith(Two.ToLowerInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Discover_CognitiveServicesNotRegistered_ScopeUnavailable()
    {
        _arm.Json(FakeArm.AccountsPath, """{"error":{"code":"MissingSubscriptionRegistration","message":"The subscription is not registered to use namespace 'Microsoft.CognitiveServices'."}}""", 409);

        RecordingSink sink = await DiscoverAsync();

        Assert.Contains(CogScope, sink.UnavailableScopes.Keys);
        Assert.DoesNotContain(sink.Assets, a => a.Type == AssetTypes.Function);
    }

    private static DiscoveredEdge Guarded(string deployment, string policy) =>
        new(AssetTypes.Deployment, deployment, "guarded_by", AssetTypes.Function, policy, CogScope);

    private static string Deployment(string account, string name, string policy) =>
        $$$"""{"id":"{{{FakeArm.AccountId(account)}}}/deployments/{{{name}}}","name":"{{{name}}}","type":"Microsoft.CognitiveServices/accounts/deployments","sku":{"name":"Standard","capacity":5},"properties":{"model":{"format":"OpenAI","name":"gpt-4o","version":"2024-11-20"},"provisioningState":"Succeeded","raiPolicyName":"{{{policy}}}"}}""";

    private static string Policy(string account, string name, string type) =>
        $$$"""{"id":"{{{FakeArm.AccountId(account)}}}/raiPolicies/{{{name}}}","name":"{{{name}}}","type":"Microsoft.CognitiveServices/accounts/raiPolicies","properties":{"type":"{{{type}}}","basePolicyName":"Microsoft.DefaultV2","mode":"Asynchronous_filter","contentFilters":[{"name":"Hate","blocking":true,"enabled":true,"severityThreshold":"Medium","source":"Prompt"},{"name":"Jailbreak","blocking":true,"enabled":true,"source":"Prompt"}],"customBlocklists":[]}}""";

    private async Task<RecordingSink> DiscoverAsync()
    {
        var type = new AzureAiFoundryPluginType();
        var raw = new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["arm_base_url"] = _arm.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
            ["include_machine_learning"] = false,
        };
        (PluginConfiguration? config, IReadOnlyList<ConfigError> errors) = PluginConfiguration.Validate(type, raw);
        Assert.True(config is not null, string.Join("; ", errors.Select(e => e.Field + " " + e.Message)));
        await using IPlugin plugin = type.Create(config, TestPluginContext.Create());
        var sink = new RecordingSink();
        await plugin.DiscoverAsync(sink).WaitAsync(TimeSpan.FromMinutes(1));
        return sink;
    }
}

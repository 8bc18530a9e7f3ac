using System.Text.Json.Nodes;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>azure.ai_foundry through the real API, scheduler and Azurite, against the loopback ARM.</summary>
public sealed class EndToEndTests
{
    private static readonly string Workspace = $"/subscriptions/{FakeArm.Sub}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/WS1";

    [Fact]
    public async Task Scans_DeploymentRemovedThenWorkspacesForbidden_TombstonesTheDeploymentAndStalesMachineLearning()
    {
        await using FakeArm arm = await FakeArm.StartAsync();
        var deployments = new List<string> { FakeArm.Deployment("Aoai-One", "gpt4o-prod", "gpt-4o", "2024-08-06"), FakeArm.Deployment("Aoai-One", "embed", "text-embedding-3-large", "1"), FakeArm.Deployment("Aoai-One", "mini", "gpt-4o", "2024-11-20") };
        bool workspacesForbidden = false;
        arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Aoai-One", "OpenAI")}}}]}""");
        bool deploymentsForbidden = false;
        arm.Route(FakeArm.AccountId("Aoai-One") + "/deployments", context => deploymentsForbidden
            ? FakeArm.WriteAsync(context, 403, """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.CognitiveServices/accounts/deployments/read'."}}""")
            : FakeArm.WriteAsync(context, 200, $$$"""{"value":[{{{string.Join(',', deployments)}}}]}"""));
        arm.Route(FakeArm.WorkspacesPath, context => workspacesForbidden
            ? FakeArm.WriteAsync(context, 403, """{"error":{"code":"AuthorizationFailed","message":"The client does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read'."}}""")
            : FakeArm.WriteAsync(context, 200, $$$"""{"value":[{"id":"{{{Workspace}}}","name":"WS1","type":"Microsoft.MachineLearningServices/workspaces","kind":"Default","location":"eastus","properties":{"friendlyName":"Workspace one"}}]}"""));
        arm.Json(Workspace + "/onlineEndpoints", $$$"""{"value":[{"id":"{{{Workspace}}}/onlineEndpoints/chat-ep","name":"chat-ep","type":"Microsoft.MachineLearningServices/workspaces/onlineEndpoints","properties":{"authMode":"Key","scoringUri":"https://chat-ep.eastus.inference.ml.azure.com/score","provisioningState":"Succeeded"}}]}""");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("azure.ai_foundry", "az1", new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["arm_base_url"] = arm.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
        });
        await app.AssertSecretsMaskedAsync("az1", new Dictionary<string, string> { ["bearer_token"] = FakeArm.Token });

        JsonObject first = await app.RefreshAsync("az1");

        JsonObject counts = EngineAppEndToEnd.Counts(first);
        string account = FakeArm.AccountId("Aoai-One").ToLowerInvariant();
        string endpoint = (Workspace + "/onlineEndpoints/chat-ep").ToLowerInvariant();
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("az1");
        Assert.Contains((AssetTypes.Endpoint, account), assets);
        Assert.Contains((AssetTypes.Deployment, account + "/deployments/mini"), assets);
        Assert.Contains((AssetTypes.Model, "azure.ai.openai/gpt-4o"), assets);
        Assert.Contains((AssetTypes.Endpoint, endpoint), assets);
        Assert.Equal(assets.Count, (int)counts["created"]!);
        app.AssertEvents(first, ChangeEventTypes.AssetCreated, assets);
        await app.AssertEdgeAsync(account + "/deployments/gpt4o-prod", Relationships.Serves, AssetTypes.Model, "azure.ai.openai/gpt-4o");
        await app.AssertEdgeAsync(account, Relationships.Contains, AssetTypes.Deployment, account + "/deployments/embed");
        Assert.Equal("gpt-4o", (string?)(await app.GetAssetAsync(AssetTypes.Deployment, account + "/deployments/mini"))["attributes"]!["model_name"]);

        deployments.RemoveAt(2);
        JsonObject second = await app.RefreshAsync("az1");

        counts = EngineAppEndToEnd.Counts(second);
        Assert.Equal(1, (int)counts["deleted"]!);
        Assert.Equal(assets.Count - 1, (int)counts["unchanged"]!);
        await app.AssertTombstonedAsync("az1", second, AssetTypes.Deployment, account + "/deployments/mini");

        workspacesForbidden = true;
        JsonObject third = await app.ScheduledScanAsync("az1", "partial");

        counts = EngineAppEndToEnd.Counts(third, "partial");
        Assert.Equal(0, (int)counts["deleted"]!);
        Assert.Contains("AuthorizationFailed", (string?)third["scopes"]![$"azure:{FakeArm.Sub.ToLowerInvariant()}:machinelearningservices"], StringComparison.Ordinal);
        Assert.DoesNotContain(FakeArm.Token, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("az1", AssetTypes.Endpoint, endpoint)).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("az1", AssetTypes.Endpoint, account)).GetString("State"));
        app.AssertEvents(third, ChangeEventTypes.AssetStale, [(AssetTypes.Endpoint, endpoint)]);

        // One account's deployments unreadable: a warning, the scope incomplete; its deployments neither tombstoned nor stale.
        workspacesForbidden = false;
        deploymentsForbidden = true;
        JsonObject fourth = await app.RefreshAsync("az1");

        Assert.Equal(0, (int)fourth["counts"]!["deleted"]!);
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("az1", AssetTypes.Deployment, account + "/deployments/gpt4o-prod")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("az1", AssetTypes.Endpoint, account)).GetString("State"));
    }

    [Fact]
    public async Task Scans_AgentRemovedThenDataPlaneForbidden_TombstonesTheAgentAndStalesThatProjectsAgentsOnly()
    {
        await using FakeArm arm = await FakeArm.StartAsync();
        await using FakeAgentService agents = await FakeAgentService.StartAsync();
        string account = FakeArm.AccountId("Foundry");
        arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Foundry", "AIServices")}}}]}""");
        arm.Json(account + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Foundry", "gpt4o", "gpt-4o", "2024-11-20")}}}]}""");
        arm.Json(account + "/raiPolicies", $$$"""{"value":[{"id":"{{{account}}}/raiPolicies/Microsoft.DefaultV2","name":"Microsoft.DefaultV2","type":"Microsoft.CognitiveServices/accounts/raiPolicies","properties":{"type":"SystemManaged","mode":"Blocking","contentFilters":[]}}]}""");
        arm.Json(account + "/projects", $$$"""{"value":[{"id":"{{{account}}}/projects/proj-a","name":"Foundry/proj-a","type":"Microsoft.CognitiveServices/accounts/projects","properties":{"displayName":"A"}}]}""");
        agents.Agents("proj-a",
            """{"id":"asst_1","object":"assistant","created_at":1,"name":"One","model":"gpt4o","tools":[{"type":"mcp","server_label":"docs","server_url":"https://learn.microsoft.com/api/mcp"}]}""",
            """{"id":"asst_2","object":"assistant","created_at":2,"name":"Two","model":"gpt4o","tools":[]}""");
        await using EngineApp app = await EngineApp.StartAsync();
        await app.CreateInstanceAsync("azure.ai_foundry", "az2", new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["agents_bearer_token"] = FakeAgentService.Token,
            ["arm_base_url"] = arm.BaseAddress.ToString(),
            ["agents_endpoint_base"] = agents.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
            ["include_machine_learning"] = false,
        });
        await app.AssertSecretsMaskedAsync("az2", new Dictionary<string, string> { ["bearer_token"] = FakeArm.Token, ["agents_bearer_token"] = FakeAgentService.Token });

        await app.RefreshAsync("az2");

        string project = (account + "/projects/proj-a").ToLowerInvariant();
        string deployment = account.ToLowerInvariant() + "/deployments/gpt4o";
        string policy = account.ToLowerInvariant() + "/raipolicies/microsoft.defaultv2";
        HashSet<(string Type, string Id)> assets = await app.ListAssetsAsync("az2");
        Assert.Contains((AssetTypes.Agent, project + "/assistants/asst_1"), assets);
        Assert.Contains((AssetTypes.Function, policy), assets);
        await app.AssertEdgeAsync(project + "/assistants/asst_1", Relationships.UsesModel, AssetTypes.Deployment, deployment);
        await app.AssertEdgeAsync(project + "/assistants/asst_1", Relationships.UsesTool, AssetTypes.McpServer, "https://learn.microsoft.com/api/mcp");
        await app.AssertEdgeAsync(deployment, "guarded_by", AssetTypes.Function, policy);

        agents.Agents("proj-a", """{"id":"asst_1","object":"assistant","created_at":1,"name":"One","model":"gpt4o","tools":[{"type":"mcp","server_label":"docs","server_url":"https://learn.microsoft.com/api/mcp"}]}""");
        JsonObject second = await app.RefreshAsync("az2");

        Assert.Equal(1, (int)EngineAppEndToEnd.Counts(second)["deleted"]!);
        await app.AssertTombstonedAsync("az2", second, AssetTypes.Agent, project + "/assistants/asst_2");

        agents.Override("proj-a", context => FakeAgentService.ErrorAsync(context, 403, "PermissionDenied", "The principal lacks the data action Microsoft.CognitiveServices/accounts/AIServices/agents/read."));
        JsonObject third = await app.ScheduledScanAsync("az2", "partial");

        Assert.Equal(0, (int)EngineAppEndToEnd.Counts(third, "partial")["deleted"]!);
        Assert.Contains("PermissionDenied", (string?)third["scopes"]![$"azure:{project}:agents"], StringComparison.Ordinal);
        Assert.DoesNotContain(FakeAgentService.Token, third.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(AssetState.Stale, (await app.AssetRowAsync("az2", AssetTypes.Agent, project + "/assistants/asst_1")).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("az2", AssetTypes.Function, policy)).GetString("State"));
        Assert.Equal(AssetState.Active, (await app.AssetRowAsync("az2", AssetTypes.Deployment, deployment)).GetString("State"));
    }
}

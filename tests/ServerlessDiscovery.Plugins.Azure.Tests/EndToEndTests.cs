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
}

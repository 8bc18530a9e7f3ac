using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Azure.Tests.Resolution;

/// <summary>
/// Declared versus observed for Azure OpenAI / AI Foundry: the real azure.ai_foundry plugin scans the loopback ARM
/// (<see cref="FakeArm"/>: Cognitive Services Accounts - List, Deployments - List, Projects - List, 2024-10-01 shapes)
/// and Foundry Agent Service (<see cref="FakeAgentService"/>: ListAgents, 2025-05-01) into Azurite with explicit bearer
/// tokens; spans as the Azure OpenAI clients and the agents SDK emit them go through the real OpenTelemetry .NET OTLP
/// exporter into the real app and must land on the declared deployment or agent (rules azure-openai and agent).
/// </summary>
public sealed class AzureResolutionTests : IAsyncLifetime
{
    private const string Instance = "azure-declared";
    private static readonly string OpenAiAccount = FakeArm.AccountId("Contoso-AOAI").ToLowerInvariant();
    private static readonly string FoundryAccount = FakeArm.AccountId("Foundry-Two").ToLowerInvariant();

    private FakeArm _arm = null!;
    private FakeAgentService _agents = null!;
    private EngineApp _app = null!;

    public async Task InitializeAsync()
    {
        _arm = await FakeArm.StartAsync();
        _agents = await FakeAgentService.StartAsync();

        // An Azure OpenAI account whose only endpoint is {name}.openai.azure.com, and an AI Services (Foundry) account
        // whose endpoint is on cognitiveservices.azure.com with its custom subdomain and other endpoints beside it, as
        // Cognitive Services Accounts - List answers them.
        string foundry = $$$"""
            {"id":"{{{FakeArm.AccountId("Foundry-Two")}}}","name":"Foundry-Two","type":"Microsoft.CognitiveServices/accounts","kind":"AIServices","location":"swedencentral","sku":{"name":"S0"},
             "properties":{"endpoint":"https://foundry-two.cognitiveservices.azure.com/","customSubDomainName":"foundry-two","provisioningState":"Succeeded",
              "endpoints":{"OpenAI Language Model Instance API":"https://foundry-two.openai.azure.com/","Azure AI Model Inference API":"https://foundry-two.services.ai.azure.com/"} } }
            """;
        _arm.Json(FakeArm.AccountsPath, $$$"""{"value":[{{{FakeArm.Account("Contoso-AOAI", "OpenAI")}}},{{{foundry}}}]}""");
        _arm.Json(FakeArm.AccountId("Contoso-AOAI") + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Contoso-AOAI", "prod-chat", "gpt-4o", "2024-08-06")}}},{{{FakeArm.Deployment("Contoso-AOAI", "embed", "text-embedding-3-large", "1")}}}]}""");
        _arm.Json(FakeArm.AccountId("Foundry-Two") + "/deployments", $$$"""{"value":[{{{FakeArm.Deployment("Foundry-Two", "gpt-4o", "gpt-4o", "2024-11-20")}}},{{{FakeArm.Deployment("Foundry-Two", "llama", "Llama-3.3-70B-Instruct", "4", "Meta")}}}]}""");
        _arm.Json(FakeArm.AccountId("Foundry-Two") + "/projects", $$$"""{"value":[{"id":"{{{FakeArm.AccountId("Foundry-Two")}}}/projects/proj-a","name":"Foundry-Two/proj-a","type":"Microsoft.CognitiveServices/accounts/projects","properties":{"displayName":"A"}}]}""");
        _agents.Agents("proj-a", """{"id":"asst_7Hq2","object":"assistant","created_at":1,"name":"helpdesk","model":"gpt-4o","tools":[]}""");

        _app = await EngineApp.StartAsync(DeclaredObserved.Settings());
        await _app.CreateInstanceAsync("azure.ai_foundry", Instance, new JsonObject
        {
            ["bearer_token"] = FakeArm.Token,
            ["agents_bearer_token"] = FakeAgentService.Token,
            ["arm_base_url"] = _arm.BaseAddress.ToString(),
            ["agents_endpoint_base"] = _agents.BaseAddress.ToString(),
            ["subscription_ids"] = new JsonArray(FakeArm.Sub),
            ["include_machine_learning"] = false,
        });
        EngineAppEndToEnd.Counts(await _app.RefreshAsync(Instance));
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _agents.DisposeAsync();
        await _arm.DisposeAsync();
    }

    [Fact]
    public async Task ChatOnTheAccountHost_CountsOnTheDeploymentItNames()
    {
        // OpenAI .NET SDK instrumentation (ActivitySource OpenAI.ChatClient, GenAI semantic conventions v1.37
        // gen-ai-spans.md) with an Azure OpenAI endpoint: gen_ai.system openai, request model = deployment name,
        // response model = the underlying model, server.address the account's host.
        var chat = new InstrumentedSpan("chat prod-chat", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.system"] = "openai",
            ["gen_ai.request.model"] = "prod-chat",
            ["gen_ai.response.model"] = "gpt-4o-2024-08-06",
            ["server.address"] = "contoso-aoai.openai.azure.com",
            ["server.port"] = 443,
            ["gen_ai.usage.input_tokens"] = 120,
            ["gen_ai.usage.output_tokens"] = 30,
        });

        await _app.ObserveAsync("checkout-api", chat, times: 3);
        await _app.ObserveAsync("billing-api", chat);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Deployment, $"{OpenAiAccount}/deployments/prod-chat", "azure-openai", 4, 480, 120, ["billing-api", "checkout-api"], (AssetTypes.Model, AssetIds.Model("openai", "prod-chat"))));
        Assert.Equal("declared", (string?)(await _app.GetAssetAsync(AssetTypes.Deployment, $"{OpenAiAccount}/deployments/embed"))["provenance"]);
    }

    [Fact]
    public async Task DeploymentNamedAfterItsModel_OnTheFoundryHosts_CountsOnTheDeploymentAndLeavesTheDeclaredModelOne()
    {
        // Azure OpenAI semantic conventions (azure-openai.md / gen_ai.provider.name azure.ai.openai) on the account's
        // cognitiveservices.azure.com endpoint, and the Azure AI Inference SDK (gen_ai.system az.ai.inference) on the
        // Foundry models endpoint {subdomain}.services.ai.azure.com: both name the deployment "gpt-4o", which is also
        // the model's name, so the trace identity azure.ai.openai/gpt-4o is the id of the model the plugin declares.
        await _app.ObserveAsync("search-api", new InstrumentedSpan("chat gpt-4o", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.provider.name"] = "azure.ai.openai",
            ["gen_ai.request.model"] = "gpt-4o",
            ["gen_ai.response.model"] = "gpt-4o-2024-11-20",
            ["server.address"] = "foundry-two.cognitiveservices.azure.com",
            ["gen_ai.usage.input_tokens"] = 10,
            ["gen_ai.usage.output_tokens"] = 4,
        }), times: 2);
        await _app.ObserveAsync("search-api", new InstrumentedSpan("chat gpt-4o", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.system"] = "az.ai.inference",
            ["gen_ai.request.model"] = "gpt-4o",
            ["server.address"] = "foundry-two.services.ai.azure.com",
            ["server.port"] = 443,
            ["gen_ai.usage.input_tokens"] = 5,
            ["gen_ai.usage.output_tokens"] = 1,
        }));

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Deployment, $"{FoundryAccount}/deployments/gpt-4o", "azure-openai", 3, 25, 9, ["search-api"], (AssetTypes.Model, AssetIds.Model("azure.ai.inference", "gpt-4o"))));
        JsonObject models = (await _app.Client.GetFromJsonAsync<JsonObject>($"api/v1/inventory?type={AssetTypes.Model}&limit=1000"))!;
        JsonObject model = Assert.Single(models["items"]!.AsArray(), m => (string?)m!["id"] == "azure.ai.openai/gpt-4o")!.AsObject();
        Assert.Equal("declared", (string?)model["provenance"]);
    }

    [Fact]
    public async Task AgentRunNamingTheAgentId_CountsOnTheFoundryAgent()
    {
        // Azure AI Agents SDK tracing (Azure.AI.Agents.Persistent / azure-ai-agents: gen_ai.system az.ai.agents,
        // gen_ai.agent.id the assistant id) with the GenAI agent-span conventions (gen-ai-agent-spans.md: invoke_agent).
        await _app.ObserveAsync("helpdesk-web", new InstrumentedSpan("invoke_agent helpdesk", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "invoke_agent",
            ["gen_ai.system"] = "az.ai.agents",
            ["gen_ai.agent.id"] = "asst_7Hq2",
            ["gen_ai.agent.name"] = "helpdesk",
            ["server.address"] = "foundry-two.services.ai.azure.com",
        }), times: 2);

        await _app.AssertResolvedAsync(new ResolvedUse(
            AssetTypes.Agent, $"{FoundryAccount}/projects/proj-a/assistants/asst_7hq2", "agent", 2, 0, 0, ["helpdesk-web"], (AssetTypes.Agent, AssetIds.Agent("helpdesk"))));
    }

    [Fact]
    public async Task SpansNamingNothingDeclared_StayTraceDerived()
    {
        // A deployment the scanned account does not have, an account nobody scans, and an agent id nobody declared.
        await _app.ObserveAsync("lab", new InstrumentedSpan("chat gpt-35", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.provider.name"] = "azure.ai.openai",
            ["gen_ai.request.model"] = "gpt-35",
            ["server.address"] = "contoso-aoai.openai.azure.com",
        }), times: 2);
        await _app.ObserveAsync("lab", new InstrumentedSpan("chat prod-chat", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "chat",
            ["gen_ai.system"] = "openai",
            ["gen_ai.request.model"] = "prod-chat-elsewhere",
            ["server.address"] = "fabrikam.openai.azure.com",
        }));
        await _app.ObserveAsync("lab", new InstrumentedSpan("invoke_agent stray", new Dictionary<string, object>
        {
            ["gen_ai.operation.name"] = "invoke_agent",
            ["gen_ai.system"] = "az.ai.agents",
            ["gen_ai.agent.id"] = "asst_unknown",
            ["gen_ai.agent.name"] = "stray",
        }));

        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("azure.ai.openai", "gpt-35"), 2);
        await _app.AssertTraceDerivedAsync(AssetTypes.Model, AssetIds.Model("openai", "prod-chat-elsewhere"), 1);
        await _app.AssertTraceDerivedAsync(AssetTypes.Agent, AssetIds.Agent("stray"), 1);
    }
}

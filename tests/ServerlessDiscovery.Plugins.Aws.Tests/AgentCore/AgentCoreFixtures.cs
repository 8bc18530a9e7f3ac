using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

namespace ServerlessDiscovery.Plugins.Aws.Tests.AgentCore;

/// <summary>
/// Bedrock AgentCore's control plane as botocore's bedrock-agentcore-control 2023-06-05 service-2.json describes it
/// (REST-JSON): ListAgentRuntimes POST /runtimes/, ListAgentRuntimeEndpoints POST /runtimes/{agentRuntimeId}/runtime-endpoints/,
/// ListGateways GET /gateways/, ListGatewayTargets GET /gateways/{gatewayIdentifier}/targets/ (maxResults and nextToken
/// in the query string), ListMemories POST /memories/ (maxResults and nextToken in the body), ListHarnesses GET /harnesses
/// (query paging) and GetHarness GET /harnesses/{harnessId} ({"harness": Harness}: model, memory and tools are where a
/// harness names what it uses; GetAgentRuntime has no such fields).
/// </summary>
public static class AgentCoreFixtures
{
    public const string Region = "us-east-1";
    public const string RuntimeArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/support_agent-a1b2c3";
    public const string SecondRuntimeArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/triage_agent-d4e5f6";
    public const string RuntimeEndpointArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/support_agent-a1b2c3/runtime-endpoint/prod";
    public const string GatewayArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-gw-1234";
    public const string MemoryArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/support_memory-abc";
    public const string HarnessArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/support_harness-abcdefghij";
    public const string OpenAiHarnessArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:harness/research_harness-0123456789";

    public static FakeReply? Answer(AwsCall call) => (call.Request.Method, call.Path) switch
    {
        ("POST", "/runtimes/") when call.Query("nextToken") is null => FakeReply.Json(new JsonObject
        {
            ["agentRuntimes"] = new JsonArray(Runtime(RuntimeArn, "support_agent-a1b2c3", "support_agent")),
            ["nextToken"] = "rt/2=",
        }),
        ("POST", "/runtimes/") when call.Query("nextToken") == "rt/2=" => FakeReply.Json(new JsonObject
        {
            ["agentRuntimes"] = new JsonArray(Runtime(SecondRuntimeArn, "triage_agent-d4e5f6", "triage_agent")),
        }),
        ("POST", "/runtimes/support_agent-a1b2c3/runtime-endpoints/") => FakeReply.Json(new JsonObject
        {
            ["runtimeEndpoints"] = new JsonArray(new JsonObject
            {
                ["name"] = "prod",
                ["id"] = "prod",
                ["liveVersion"] = "2",
                ["targetVersion"] = "2",
                ["agentRuntimeEndpointArn"] = RuntimeEndpointArn,
                ["agentRuntimeArn"] = RuntimeArn,
                ["status"] = "READY",
                ["createdAt"] = "2026-01-05T10:00:00Z",
                ["lastUpdatedAt"] = "2026-01-05T10:00:00Z",
            }),
        }),
        ("POST", "/runtimes/triage_agent-d4e5f6/runtime-endpoints/") => FakeReply.Json("""{"runtimeEndpoints":[]}"""),
        ("GET", "/gateways/") => FakeReply.Json(new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["gatewayId"] = "tools-gw-1234",
                ["name"] = "tools-gw",
                ["status"] = "READY",
                ["authorizerType"] = "CUSTOM_JWT",
                ["protocolType"] = "MCP",
                ["createdAt"] = "2026-01-05T10:00:00Z",
                ["updatedAt"] = "2026-01-05T10:00:00Z",
            }),
        }),
        ("GET", "/gateways/tools-gw-1234/targets/") => FakeReply.Json(new JsonObject
        {
            ["items"] = new JsonArray(new JsonObject
            {
                ["targetId"] = "TGT0000001",
                ["name"] = "crm-lambda",
                ["status"] = "READY",
                ["targetType"] = "LAMBDA",
                ["createdAt"] = "2026-01-05T10:00:00Z",
                ["updatedAt"] = "2026-01-05T10:00:00Z",
            }),
        }),
        ("POST", "/memories/") when call.Body["nextToken"] is null => FakeReply.Json(new JsonObject
        {
            ["memories"] = new JsonArray(new JsonObject { ["arn"] = MemoryArn, ["id"] = "support_memory-abc", ["status"] = "ACTIVE", ["createdAt"] = "2026-01-05T10:00:00Z", ["updatedAt"] = "2026-01-05T10:00:00Z" }),
            ["nextToken"] = "mem-2",
        }),
        ("POST", "/memories/") when (string?)call.Body["nextToken"] == "mem-2" => FakeReply.Json("""{"memories":[]}"""),
        ("GET", "/harnesses") when call.Query("nextToken") is null => FakeReply.Json(new JsonObject
        {
            ["harnesses"] = new JsonArray(HarnessSummary(HarnessArn, "support_harness-abcdefghij", "support_harness")),
            ["nextToken"] = "h/2=",
        }),
        ("GET", "/harnesses") when call.Query("nextToken") == "h/2=" => FakeReply.Json(new JsonObject
        {
            ["harnesses"] = new JsonArray(HarnessSummary(OpenAiHarnessArn, "research_harness-0123456789", "research_harness")),
        }),
        ("GET", "/harnesses/support_harness-abcdefghij") => FakeReply.Json(new JsonObject
        {
            ["harness"] = Harness(HarnessArn, "support_harness-abcdefghij", "support_harness",
                new JsonObject { ["bedrockModelConfig"] = new JsonObject { ["modelId"] = "us.anthropic.claude-sonnet-4-5-20250929-v1:0", ["maxTokens"] = 4096 } },
                new JsonArray(
                    new JsonObject { ["type"] = "agentcore_gateway", ["name"] = "tools", ["config"] = new JsonObject { ["agentCoreGateway"] = new JsonObject { ["gatewayArn"] = GatewayArn } } },
                    new JsonObject { ["type"] = "agentcore_code_interpreter", ["name"] = "code" }),
                new JsonObject { ["agentCoreMemoryConfiguration"] = new JsonObject { ["arn"] = MemoryArn, ["actorId"] = "user" } }),
        }),
        ("GET", "/harnesses/research_harness-0123456789") => FakeReply.Json(new JsonObject
        {
            ["harness"] = Harness(OpenAiHarnessArn, "research_harness-0123456789", "research_harness",
                new JsonObject { ["openAiModelConfig"] = new JsonObject { ["modelId"] = "gpt-4.1", ["apiKeyArn"] = "arn:aws:bedrock-agentcore:us-east-1:123456789012:token-vault/default/apikeycredentialprovider/openai" } },
                new JsonArray(),
                null),
        }),
        _ => null,
    };

    private static JsonObject Runtime(string arn, string id, string name) => new()
    {
        ["agentRuntimeArn"] = arn,
        ["agentRuntimeId"] = id,
        ["agentRuntimeVersion"] = "2",
        ["agentRuntimeName"] = name,
        ["description"] = name,
        ["lastUpdatedAt"] = "2026-01-05T10:00:00Z",
        ["status"] = "READY",
    };

    private static JsonObject HarnessSummary(string arn, string id, string name) => new()
    {
        ["harnessId"] = id,
        ["harnessName"] = name,
        ["arn"] = arn,
        ["status"] = "READY",
        ["createdAt"] = "2026-01-05T10:00:00Z",
        ["updatedAt"] = "2026-01-05T10:00:00Z",
    };

    /// <summary>A Harness with its required members (model, systemPrompt, tools, skills, allowedTools, truncation, environment); memory is optional.</summary>
    private static JsonObject Harness(string arn, string id, string name, JsonObject model, JsonArray tools, JsonObject? memory)
    {
        JsonObject harness = HarnessSummary(arn, id, name);
        harness["executionRoleArn"] = "arn:aws:iam::123456789012:role/harness";
        harness["model"] = model;
        harness["systemPrompt"] = new JsonArray(new JsonObject { ["text"] = "You help customers." });
        harness["tools"] = tools;
        harness["skills"] = new JsonArray();
        harness["allowedTools"] = new JsonArray("*");
        harness["truncation"] = new JsonObject { ["strategy"] = "sliding_window" };
        harness["environment"] = new JsonObject();
        if (memory is not null)
        {
            harness["memory"] = memory;
        }

        return harness;
    }
}

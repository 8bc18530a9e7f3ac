using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

namespace ServerlessDiscovery.Plugins.Aws.Tests.AgentCore;

/// <summary>
/// Bedrock AgentCore's control plane as botocore's bedrock-agentcore-control 2023-06-05 service-2.json describes it
/// (REST-JSON): ListAgentRuntimes POST /runtimes/, ListAgentRuntimeEndpoints POST /runtimes/{agentRuntimeId}/runtime-endpoints/,
/// ListGateways GET /gateways/, ListGatewayTargets GET /gateways/{gatewayIdentifier}/targets/ (maxResults and nextToken
/// in the query string), ListMemories POST /memories/ (maxResults and nextToken in the body).
/// </summary>
public static class AgentCoreFixtures
{
    public const string Region = "us-east-1";
    public const string RuntimeArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/support_agent-a1b2c3";
    public const string SecondRuntimeArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/triage_agent-d4e5f6";
    public const string RuntimeEndpointArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/support_agent-a1b2c3/runtime-endpoint/prod";
    public const string GatewayArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/tools-gw-1234";
    public const string MemoryArn = "arn:aws:bedrock-agentcore:us-east-1:123456789012:memory/support_memory-abc";

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
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Aws.Tests.Fakes;

namespace ServerlessDiscovery.Plugins.Aws.Tests.Bedrock;

/// <summary>
/// Agents for Amazon Bedrock as botocore's bedrock-agent 2023-06-05 service-2.json describes it (REST-JSON): ListDataSources
/// POST /knowledgebases/{knowledgeBaseId}/datasources/ (maxResults, nextToken in the body); ListPrompts GET /prompts/,
/// ListFlows GET /flows/, ListFlowAliases GET /flows/{flowIdentifier}/aliases (maxResults, nextToken in the query);
/// GetPrompt GET /prompts/{promptIdentifier}/, GetFlow GET /flows/{flowIdentifier}/, GetFlowVersion GET
/// /flows/{flowIdentifier}/versions/{flowVersion}/. Optional fields (description, definition, modelId) are left out
/// where the model allows it; timestamps are epoch seconds as rest-json sends them.
/// </summary>
public static class BedrockFlowFixtures
{
    public const string FlowArn = "arn:aws:bedrock:us-east-1:123456789012:flow/FLOW000001";
    public const string DraftFlowArn = "arn:aws:bedrock:us-east-1:123456789012:flow/FLOW000002";
    public const string FlowAliasArn = "arn:aws:bedrock:us-east-1:123456789012:flow/FLOW000001/alias/PROD000001";
    public const string PromptArn = "arn:aws:bedrock:us-east-1:123456789012:prompt/PROMPT0001";
    public const string DataSourcePrefix = "arn:aws:bedrock:us-east-1:123456789012:knowledge-base/KB00000001/data-source/";

    public static FakeReply? Answer(AwsCall call) => (call.Request.Method, call.Path) switch
    {
        ("POST", "/knowledgebases/KB00000001/datasources/") when call.Body["nextToken"] is null => FakeReply.Json(new JsonObject
        {
            ["dataSourceSummaries"] = new JsonArray(DataSource("DS00000001", "handbook-s3")),
            ["nextToken"] = "ds-2",
        }),
        ("POST", "/knowledgebases/KB00000001/datasources/") when (string?)call.Body["nextToken"] == "ds-2" => FakeReply.Json(new JsonObject
        {
            ["dataSourceSummaries"] = new JsonArray(DataSource("DS00000002", "wiki-confluence")),
        }),
        ("GET", "/prompts/") => FakeReply.Json(new JsonObject
        {
            ["promptSummaries"] = new JsonArray(new JsonObject
            {
                ["name"] = "summarise-ticket",
                ["id"] = "PROMPT0001",
                ["arn"] = PromptArn,
                ["version"] = "DRAFT",
                ["createdAt"] = 1735689600,
                ["updatedAt"] = 1735689600,
            }),
        }),
        ("GET", "/prompts/PROMPT0001/") => FakeReply.Json(new JsonObject
        {
            ["name"] = "summarise-ticket",
            ["id"] = "PROMPT0001",
            ["arn"] = PromptArn,
            ["version"] = "DRAFT",
            ["defaultVariant"] = "v1",
            ["variants"] = new JsonArray(new JsonObject
            {
                ["name"] = "v1",
                ["templateType"] = "TEXT",
                ["templateConfiguration"] = new JsonObject { ["text"] = new JsonObject { ["text"] = "Summarise {{ticket}}" } },
                ["modelId"] = "anthropic.claude-3-haiku-20240307-v1:0",
            }),
            ["createdAt"] = 1735689600,
            ["updatedAt"] = 1735689600,
        }),
        ("GET", "/flows/") when call.Query("nextToken") is null => FakeReply.Json(new JsonObject
        {
            ["flowSummaries"] = new JsonArray(Flow(FlowArn, "FLOW000001", "triage")),
            ["nextToken"] = "flows/2=",
        }),
        ("GET", "/flows/") when call.Query("nextToken") == "flows/2=" => FakeReply.Json(new JsonObject
        {
            ["flowSummaries"] = new JsonArray(Flow(DraftFlowArn, "FLOW000002", "experiment")),
        }),
        ("GET", "/flows/FLOW000001/aliases") => FakeReply.Json(new JsonObject
        {
            ["flowAliasSummaries"] = new JsonArray(new JsonObject
            {
                ["name"] = "prod",
                ["routingConfiguration"] = new JsonArray(new JsonObject { ["flowVersion"] = "2" }),
                ["flowId"] = "FLOW000001",
                ["id"] = "PROD000001",
                ["arn"] = FlowAliasArn,
                ["createdAt"] = 1735689600,
                ["updatedAt"] = 1735689600,
            }),
        }),
        ("GET", "/flows/FLOW000002/aliases") => FakeReply.Json("""{"flowAliasSummaries":[]}"""),
        ("GET", "/flows/FLOW000001/versions/2/") => FakeReply.Json(FlowDetail(FlowArn, "FLOW000001", "triage", "2", new JsonArray(
            Node("Start", "Input", new JsonObject { ["input"] = new JsonObject() }),
            Node("Summarise", "Prompt", new JsonObject { ["prompt"] = new JsonObject { ["sourceConfiguration"] = new JsonObject { ["resource"] = new JsonObject { ["promptArn"] = PromptArn + ":1" } } } }),
            Node("Classify", "Prompt", new JsonObject
            {
                ["prompt"] = new JsonObject
                {
                    ["sourceConfiguration"] = new JsonObject
                    {
                        ["inline"] = new JsonObject
                        {
                            ["templateType"] = "TEXT",
                            ["templateConfiguration"] = new JsonObject { ["text"] = new JsonObject { ["text"] = "Classify {{input}}" } },
                            ["modelId"] = "us.anthropic.claude-3-haiku-20240307-v1:0",
                        },
                    },
                },
            }),
            Node("Lookup", "KnowledgeBase", new JsonObject { ["knowledgeBase"] = new JsonObject { ["knowledgeBaseId"] = "KB00000001", ["modelId"] = "anthropic.claude-3-haiku-20240307-v1:0" } }),
            Node("Billing", "Agent", new JsonObject { ["agent"] = new JsonObject { ["agentAliasArn"] = "arn:aws:bedrock:us-east-1:123456789012:agent-alias/AGENT00002/BILLALIAS1" } }),
            Node("End", "Output", new JsonObject { ["output"] = new JsonObject() })))),
        ("GET", "/flows/FLOW000002/") => FakeReply.Json(FlowDetail(DraftFlowArn, "FLOW000002", "experiment", "DRAFT", new JsonArray(
            Node("Ask", "Prompt", new JsonObject
            {
                ["prompt"] = new JsonObject
                {
                    ["sourceConfiguration"] = new JsonObject
                    {
                        ["inline"] = new JsonObject { ["templateType"] = "TEXT", ["templateConfiguration"] = new JsonObject(), ["modelId"] = "amazon.nova-pro-v1:0" },
                    },
                },
            })))),
        _ => null,
    };

    private static JsonObject DataSource(string id, string name) => new()
    {
        ["knowledgeBaseId"] = "KB00000001",
        ["dataSourceId"] = id,
        ["name"] = name,
        ["status"] = "AVAILABLE",
        ["updatedAt"] = 1735689600,
    };

    private static JsonObject Flow(string arn, string id, string name) => new()
    {
        ["name"] = name,
        ["id"] = id,
        ["arn"] = arn,
        ["status"] = "Prepared",
        ["createdAt"] = 1735689600,
        ["updatedAt"] = 1735689600,
        ["version"] = "DRAFT",
    };

    private static JsonObject Node(string name, string type, JsonObject configuration) => new() { ["name"] = name, ["type"] = type, ["configuration"] = configuration };

    private static JsonObject FlowDetail(string arn, string id, string name, string version, JsonArray nodes) => new()
    {
        ["name"] = name,
        ["executionRoleArn"] = "arn:aws:iam::123456789012:role/flows",
        ["id"] = id,
        ["arn"] = arn,
        ["status"] = "Prepared",
        ["createdAt"] = 1735689600,
        ["updatedAt"] = 1735689600,
        ["version"] = version,
        ["definition"] = new JsonObject { ["nodes"] = nodes, ["connections"] = new JsonArray() },
    };
}

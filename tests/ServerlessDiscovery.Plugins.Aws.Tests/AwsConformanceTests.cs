using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Aws.Tests;

public sealed class AwsSageMakerConformanceTests : PluginConformanceTests<AwsSageMakerPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["regions"] = new JsonArray("us-east-1", "eu-west-1"),
        ["access_key_id"] = "AKIDEXAMPLE",
        ["secret_access_key"] = "secret",
        ["session_token"] = "token",
        ["account_id"] = "123456789012",
        ["sts_endpoint"] = $"{unreachable}sts/{{region}}",
        ["sagemaker_endpoint"] = $"{unreachable}sagemaker/{{region}}",
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["regions"] = "us-east-1", ["access_key_id"] = "AKID" }, "secret_access_key"),
        (new JsonObject { ["regions"] = "us-east-1", ["sagemaker_endpoint"] = "not a url" }, "sagemaker_endpoint"),
        (new JsonObject { ["regions"] = "US East 1" }, "regions"),
        (new JsonObject { ["regions"] = "us-east-1", ["account_id"] = "12345" }, "account_id"),
        (new JsonObject { ["regions"] = "us-east-1", ["role_arn"] = "my-role" }, "role_arn"),
    ];
}

public sealed class AwsBedrockConformanceTests : PluginConformanceTests<AwsBedrockPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["regions"] = new JsonArray("us-east-1"),
        ["access_key_id"] = "AKIDEXAMPLE",
        ["secret_access_key"] = "secret",
        ["account_id"] = "123456789012",
        ["bedrock_endpoint"] = $"{unreachable}bedrock/{{region}}",
        ["bedrock_agent_endpoint"] = $"{unreachable}agent/{{region}}",
        ["agentcore_endpoint"] = $"{unreachable}agentcore/{{region}}",
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["regions"] = "us-east-1", ["bedrock_agent_endpoint"] = "ftp://x/{region}" }, "bedrock_agent_endpoint"),
        (new JsonObject { ["regions"] = "us-east-1", ["session_token"] = "t" }, "session_token"),
    ];
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Aws.Tests;

/// <summary>The AWS default chain and the host's shared profiles only for an instance that may use the host's identity.</summary>
public sealed class HostIdentityTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public Task Create_NoStaticKeys_RefusedUnlessThePermissionIsGiven(bool bedrock)
    {
        IPluginType type = bedrock ? new AwsBedrockPluginType() : new AwsSageMakerPluginType();
        return HostIdentityAssertions.RefusedUnlessPermittedAsync(type, new JsonObject { ["regions"] = new JsonArray("us-east-1") }, "access_key_id");
    }

    [Fact]
    public Task Create_NamedProfile_RefusedUnlessThePermissionIsGiven() =>
        HostIdentityAssertions.RefusedUnlessPermittedAsync(new AwsSageMakerPluginType(), new JsonObject { ["regions"] = new JsonArray("us-east-1"), ["profile"] = "operators-own" }, "access_key_id");

    [Fact]
    public Task Create_RoleWithoutSourceKeys_RefusedUnlessThePermissionIsGiven() =>
        HostIdentityAssertions.RefusedUnlessPermittedAsync(new AwsSageMakerPluginType(), new JsonObject { ["regions"] = new JsonArray("us-east-1"), ["role_arn"] = "arn:aws:iam::123456789012:role/scanner" }, "access_key_id");
}

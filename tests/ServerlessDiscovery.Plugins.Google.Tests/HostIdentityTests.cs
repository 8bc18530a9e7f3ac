using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Google.Tests;

/// <summary>Application Default Credentials only for an instance that may use the host's identity.</summary>
public sealed class HostIdentityTests
{
    [Fact]
    public Task Create_NoKeyNoToken_RefusedUnlessThePermissionIsGiven() =>
        HostIdentityAssertions.RefusedUnlessPermittedAsync(new GoogleVertexAiPluginType(), new JsonObject { ["projects"] = new JsonArray("p1"), ["locations"] = new JsonArray("us-central1") }, "service_account_key");
}

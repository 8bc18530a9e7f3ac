using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

/// <summary>DefaultAzureCredential (managed identity) only for an instance that may use the host's identity.</summary>
public sealed class HostIdentityTests
{
    [Fact]
    public Task Create_NoSecretNoToken_RefusedUnlessThePermissionIsGiven() =>
        HostIdentityAssertions.RefusedUnlessPermittedAsync(new AzureAiFoundryPluginType(), new JsonObject { ["subscription_ids"] = new JsonArray("00000000-0000-0000-0000-000000000001") }, "client_secret");

    [Fact]
    public Task Create_ClientIdOnly_ManagedIdentityRefusedUnlessThePermissionIsGiven() =>
        HostIdentityAssertions.RefusedUnlessPermittedAsync(new AzureAiFoundryPluginType(), new JsonObject { ["client_id"] = "11111111-1111-1111-1111-111111111111" }, "client_secret");
}

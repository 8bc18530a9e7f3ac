using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Azure.Tests;

public sealed class AzureAiFoundryConformanceTests : PluginConformanceTests<AzureAiFoundryPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["subscription_ids"] = new JsonArray("00000000-0000-0000-0000-000000000001"),
        ["bearer_token"] = "token",
        ["arm_base_url"] = unreachable.ToString(),
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["client_secret"] = "s", ["tenant_id"] = "t" }, "client_id"),
        (new JsonObject { ["client_secret"] = "s", ["client_id"] = "c" }, "tenant_id"),
        (new JsonObject { ["client_secret"] = "s", ["client_id"] = "c", ["tenant_id"] = "t", ["bearer_token"] = "b" }, "bearer_token"),
        (new JsonObject { ["authority_host"] = "http://127.0.0.1:1/" }, "authority_host"),
        (new JsonObject { ["arm_base_url"] = "not a url" }, "arm_base_url"),
        (new JsonObject { ["requests_per_second"] = "-1" }, "requests_per_second"),
    ];
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.LiteLlm.Tests;

public sealed class LiteLlmConformanceTests : PluginConformanceTests<LiteLlmPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["proxy_url"] = unreachable.ToString(),
        ["master_key"] = "sk-master",
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["proxy_url"] = "http://127.0.0.1:4000/" }, "master_key"),
        (new JsonObject { ["master_key"] = "sk" }, "proxy_url"),
        (new JsonObject { ["proxy_url"] = "http://127.0.0.1:4000/", ["master_key"] = "sk", ["page_size"] = "0" }, "page_size"),
        (new JsonObject { ["proxy_url"] = "http://127.0.0.1:4000/", ["master_key"] = "sk", ["include_keys"] = "maybe" }, "include_keys"),
    ];
}

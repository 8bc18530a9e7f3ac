using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace Contoso.Gateway.Tests;

/// <summary>The contract every ServerlessDiscovery plugin keeps (the ServerlessDiscovery.Plugins.Conformance package).</summary>
public sealed class GatewayConformanceTests : PluginConformanceTests<GatewayPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["base_url"] = unreachable.ToString(),
        ["api_key"] = "key",
        ["projects"] = new JsonArray("alpha"),
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["base_url"] = "not a url", ["api_key"] = "key" }, "base_url"),
        (new JsonObject { ["base_url"] = "https://gateway.example/", ["api_key"] = "key", ["projects"] = new JsonArray(" ") }, "projects"),
    ];
}

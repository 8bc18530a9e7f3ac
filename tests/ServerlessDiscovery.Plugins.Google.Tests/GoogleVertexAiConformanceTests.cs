using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Google.Tests;

public sealed class GoogleVertexAiConformanceTests : PluginConformanceTests<GoogleVertexAiPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["projects"] = new JsonArray("proj-a", "proj-b"),
        ["locations"] = "us-central1,europe-west4",
        ["access_token"] = "token",
        ["vertex_endpoint"] = $"{unreachable}{{location}}",
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["projects"] = "p", ["locations"] = "us-central1", ["service_account_key"] = "{\"type\":\"authorized_user\"}" }, "service_account_key"),
        (new JsonObject { ["projects"] = "p", ["locations"] = "us-central1", ["service_account_key"] = "{\"type\":\"service_account\"}", ["access_token"] = "t" }, "access_token"),
        (new JsonObject { ["projects"] = "P A", ["locations"] = "us-central1" }, "projects"),
        (new JsonObject { ["projects"] = "p", ["locations"] = "us-central1", ["vertex_endpoint"] = "nope" }, "vertex_endpoint"),
    ];
}

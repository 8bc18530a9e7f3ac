using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.Databricks.Tests;

public sealed class DatabricksConformanceTests : PluginConformanceTests<DatabricksPluginType>
{
    protected override JsonObject CreateConfiguration(Uri unreachable) => new()
    {
        ["workspace_url"] = unreachable.ToString(),
        ["token"] = "dapi-token",
    };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
    [
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/" }, "token"),
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["token"] = "t", ["client_id"] = "c" }, "token"),
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["client_id"] = "c" }, "client_secret"),
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["client_secret"] = "s" }, "client_id"),
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["token"] = "t", ["apis"] = "serving,clusters" }, "apis"),
        (new JsonObject { ["workspace_url"] = "https://adb-1.azuredatabricks.net/", ["token"] = "t", ["page_size"] = "0" }, "page_size"),
        (new JsonObject { ["workspace_url"] = "ftp://adb-1.azuredatabricks.net/", ["token"] = "t" }, "workspace_url"),
    ];
}

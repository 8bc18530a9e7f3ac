using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Conformance;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests;

public sealed class OpenTelemetryPluginConformanceTests : PluginConformanceTests<OpenTelemetryPluginType>
{
    protected override bool IsPushSource => true;

    protected override JsonObject CreateConfiguration(Uri unreachable) => new() { ["service_names"] = new JsonArray("checkout", "support-agent") };

    protected override IEnumerable<(JsonObject Configuration, string Field)> InvalidConfigurations =>
        [(new JsonObject { ["service_names"] = 42 }, "service_names")];
}

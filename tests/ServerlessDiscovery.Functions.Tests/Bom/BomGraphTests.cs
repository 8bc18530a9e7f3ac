using ServerlessDiscovery.Engine.Bom;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Functions.Tests.Bom;

/// <summary>An agent's transitive dependencies over lineage edges (pure logic, no storage).</summary>
public sealed class BomGraphTests
{
    [Fact]
    public void Closure_DelegationCycle_EndsWithBothAgentsAndTheirDependencies()
    {
        var graph = new BomGraph();
        graph.Add(AssetTypes.Agent, "a", Relationships.DelegatesTo, AssetTypes.Agent, "b");
        graph.Add(AssetTypes.Agent, "b", Relationships.DelegatesTo, AssetTypes.Agent, "a");
        graph.Add(AssetTypes.Agent, "b", Relationships.UsesModel, AssetTypes.Model, "m");
        graph.Add(AssetTypes.Model, "m", Relationships.VersionOf, AssetTypes.Model, "m");

        HashSet<string> closure = graph.Closure("agent/a");

        Assert.Equal(["agent/a", "agent/b", "model/m"], closure.Order(StringComparer.Ordinal));
        Assert.Empty(graph.DependsOn("model/m"));
    }

    [Fact]
    public void Closure_Hosts_AddTheirOwnHostsButNotTheirOtherContents()
    {
        var graph = new BomGraph();
        graph.Add(AssetTypes.Endpoint, "account", Relationships.Contains, AssetTypes.Endpoint, "project");
        graph.Add(AssetTypes.Endpoint, "project", Relationships.Contains, AssetTypes.Agent, "a");
        graph.Add(AssetTypes.Endpoint, "project", Relationships.Contains, AssetTypes.Agent, "sibling");
        graph.Add(AssetTypes.Endpoint, "project", Relationships.ConnectsTo, AssetTypes.DownstreamSystem, "project-connection");
        graph.Add(AssetTypes.Endpoint, "runtime", Relationships.Serves, AssetTypes.Agent, "a");
        graph.Add(AssetTypes.Agent, "a", Relationships.UsesTool, AssetTypes.McpTool, "t");
        graph.Add(AssetTypes.McpServer, "s", Relationships.Contains, AssetTypes.McpTool, "t");
        graph.Add(AssetTypes.McpServer, "s", Relationships.Contains, AssetTypes.McpTool, "other-tool");

        HashSet<string> closure = graph.Closure("agent/a");

        Assert.Equal(
            ["agent/a", "endpoint/account", "endpoint/project", "endpoint/runtime", "mcp_server/s", "mcp_tool/t"],
            closure.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Closure_ModelServedByDeployments_DoesNotPullTheDeploymentsIn()
    {
        var graph = new BomGraph();
        graph.Add(AssetTypes.Agent, "a", Relationships.UsesModel, AssetTypes.Model, "m");
        graph.Add(AssetTypes.Deployment, "d", Relationships.Serves, AssetTypes.Model, "m");

        Assert.Equal(["agent/a", "model/m"], graph.Closure("agent/a").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Closure_HostReachedLaterAsDependency_FollowsItsDependencies()
    {
        var graph = new BomGraph();
        graph.Add(AssetTypes.Endpoint, "p", Relationships.Contains, AssetTypes.Agent, "a");
        graph.Add(AssetTypes.Agent, "a", Relationships.UsesModel, AssetTypes.Endpoint, "p");
        graph.Add(AssetTypes.Endpoint, "p", Relationships.Serves, AssetTypes.Model, "m");

        Assert.Equal(["agent/a", "endpoint/p", "model/m"], graph.Closure("agent/a").Order(StringComparer.Ordinal));
    }
}

using System.Text.Json.Nodes;
using ServerlessDiscovery.Domain.Findings;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.Findings;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Functions.Tests.Findings;

/// <summary>Which findings the evidence supports, evaluated on a tenant's assets and usage as the inventory store answers them, at a fixed time.</summary>
public sealed class FindingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan UnusedAfter = TimeSpan.FromDays(30);
    private const string Server = "http://mcp.internal:8080/mcp";

    [Fact]
    public void Evaluate_TracedInstance_IdleDeclaredToolIsUnused_UsedOneIsNot()
    {
        Asset idle = Declared("mcp1", AssetTypes.McpTool, Server + "#tool:idle", firstSeen: Now.AddDays(-40));
        Asset used = Declared("mcp1", AssetTypes.McpTool, Server + "#tool:used", firstSeen: Now.AddDays(-40));
        Asset young = Declared("mcp1", AssetTypes.McpTool, Server + "#tool:young", firstSeen: Now.AddDays(-2));
        Asset resource = Declared("mcp1", AssetTypes.McpResource, Server + "#resource:file:///a", firstSeen: Now.AddDays(-40));
        Asset untraced = Declared("mcp2", AssetTypes.McpTool, "http://other:1/mcp#tool:idle", firstSeen: Now.AddDays(-40));
        AssetUsage usage = Usage(used, lastInvoked: Now.AddDays(-1));

        IReadOnlyList<Finding> findings = Evaluate([idle, used, young, resource, untraced], [usage], Instance("mcp1", "mcp", traced: true), Instance("mcp2", "mcp", traced: false));

        Finding unused = Assert.Single(findings);
        Assert.Equal((FindingKinds.Unused, AssetTypes.McpTool, Server + "#tool:idle", "mcp1"), (unused.Kind, unused.SubjectType, unused.SubjectId, unused.Instance));
        Assert.Equal(FindingRules.ReasonIdle, unused.Reason);
        Assert.Equal(Now.AddDays(-40), unused.Evidence["idle_since"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public void Evaluate_TraceDerivedIdentities_ShadowReasonSaysWhetherTheProviderIsScanned()
    {
        Asset openAi = Trace(AssetTypes.Model, "openai/gpt-4o", new JsonObject { ["provider"] = "openai", ["model"] = "gpt-4o", ["server_address"] = "api.openai.com" });
        Asset mcp = Trace(AssetTypes.McpServer, "10.0.0.9:7000", new JsonObject { ["server_address"] = "10.0.0.9:7000" });
        Asset namedAgent = Trace(AssetTypes.Agent, "planner", []);
        Asset tool = Trace(AssetTypes.Tool, "search", []);
        Asset declared = Declared("mcp1", AssetTypes.McpServer, Server, firstSeen: Now);

        IReadOnlyList<Finding> findings = Evaluate([openAi, mcp, namedAgent, tool, declared], [], Instance("mcp1", "mcp", traced: false), Instance("otlp", "opentelemetry", traced: false));

        Assert.Equal(2, findings.Count);
        Assert.Equal(FindingRules.ReasonNotScanned, findings.Single(f => f.SubjectId == "openai/gpt-4o").Reason);
        Finding shadowServer = findings.Single(f => f.SubjectId == "10.0.0.9:7000");
        Assert.Equal(FindingRules.ReasonUndeclared, shadowServer.Reason);
        Assert.Equal(["mcp"], shadowServer.Evidence["scanned_by"]!.AsArray().Select(n => (string)n!));
        Assert.All(findings, f => Assert.Equal("otlp", f.Instance));
    }

    [Fact]
    public void Evaluate_TraceIdentityThatNowResolves_IsNoLongerShadow()
    {
        Asset mcp = Trace(AssetTypes.McpServer, "mcp.internal:8080", new JsonObject { ["server_address"] = "mcp.internal:8080" });
        Asset declared = Declared("mcp1", AssetTypes.McpServer, Server, firstSeen: Now);

        Assert.Empty(Evaluate([mcp, declared], [], Instance("mcp1", "mcp", traced: false)));
    }

    [Fact]
    public void Evaluate_AliasLoadBalancedOverSeveralDeclaredDeployments_IsNotShadow()
    {
        // A LiteLLM model group: one alias served by two deployments of the same proxy. Its use cannot be attributed to
        // either deployment (it stays trace-derived), but it is declared, so it is no shadow AI; an alias the proxy does
        // not declare still is.
        JsonObject Alias(string alias) => new() { ["proxy"] = "proxy.internal:4000", ["alias"] = alias };
        Asset first = Stored("llm", new DiscoveredAsset(AssetTypes.Deployment, "proxy.internal:4000/model/a", "gpt-4o", "litellm:models") { Attributes = Alias("gpt-4o") }, Now);
        Asset second = Stored("llm", new DiscoveredAsset(AssetTypes.Deployment, "proxy.internal:4000/model/b", "gpt-4o", "litellm:models") { Attributes = Alias("gpt-4o") }, Now);
        Asset grouped = Trace(AssetTypes.Model, "openai/gpt-4o", new JsonObject { ["model"] = "gpt-4o", ["server_address"] = "proxy.internal:4000" });
        Asset undeclared = Trace(AssetTypes.Model, "openai/o3", new JsonObject { ["model"] = "o3", ["server_address"] = "proxy.internal:4000" });

        IReadOnlyList<Finding> findings = Evaluate([first, second, grouped, undeclared], [], Instance("llm", "litellm", traced: false), Instance("otlp", "opentelemetry", traced: false));

        Finding shadow = Assert.Single(findings);
        Assert.Equal(("openai/o3", FindingRules.ReasonUndeclared), (shadow.SubjectId, shadow.Reason));
    }

    [Fact]
    public void EvaluateWithNextUnused_YoungAndUsedDeclaredAssets_NextIsTheEarliestTheyFallDue()
    {
        Asset young = Declared("mcp1", AssetTypes.McpTool, Server + "#tool:young", firstSeen: Now.AddDays(-2));
        Asset used = Declared("mcp1", AssetTypes.McpTool, Server + "#tool:used", firstSeen: Now.AddDays(-40));
        Asset untraced = Declared("mcp2", AssetTypes.McpTool, "http://other:1/mcp#tool:young", firstSeen: Now.AddDays(-29));
        TenantAssets inventory = Tenant([young, used, untraced], [Usage(used, lastInvoked: Now.AddDays(-10))]);
        PluginInstance[] instances = [Instance("mcp1", "mcp", traced: true), Instance("mcp2", "mcp", traced: false)];

        (IReadOnlyList<Finding> findings, DateTimeOffset next) = FindingRules.EvaluateWithNextUnused(inventory, instances, DeclaredIndexCache.Build(inventory.Assets, instances), Now, UnusedAfter);

        Assert.Empty(findings);
        Assert.Equal(Now.AddDays(20), next);
        Assert.Equal(DateTimeOffset.MaxValue, FindingRules.EvaluateWithNextUnused(inventory, [instances[1]], DeclaredIndexCache.Build(inventory.Assets, [instances[1]]), Now, UnusedAfter).NextUnusedAt);
    }

    private static IReadOnlyList<Finding> Evaluate(Asset[] assets, AssetUsage[] usage, params PluginInstance[] instances)
    {
        TenantAssets inventory = Tenant(assets, usage);
        return FindingRules.Evaluate(inventory, instances, DeclaredIndexCache.Build(inventory.Assets, instances), Now, UnusedAfter);
    }

    private static PluginInstance Instance(string id, string type, bool traced) => new() { Tenant = "t", Id = id, PluginType = type, Traced = traced };

    private static Asset Declared(string instance, string type, string id, DateTimeOffset firstSeen) =>
        Stored(instance, new DiscoveredAsset(type, id, id, "mcp:server"), firstSeen);

    private static Asset Trace(string type, string id, JsonObject attributes) =>
        Stored("otlp", new DiscoveredAsset(type, id, id, Provenance.TraceScope) { Attributes = attributes }, Now.AddDays(-1));

    private static TenantAssets Tenant(Asset[] assets, AssetUsage[] usage) =>
        new(assets, usage.ToDictionary(u => (u.Instance, u.Key)));

    private static Asset Stored(string instance, DiscoveredAsset asset, DateTimeOffset firstSeen) =>
        InventoryWriter.Create(new ScanIdentity("t", instance, "run", false), asset, "hash", 1, firstSeen, firstSeen);

    private static AssetUsage Usage(Asset asset, DateTimeOffset lastInvoked) => new()
    {
        Tenant = asset.Tenant,
        Instance = asset.Instance,
        Type = asset.Type,
        Id = asset.Id,
        Totals = new UsageTotals(3, 0, 0, lastInvoked, lastInvoked, []),
    };
}

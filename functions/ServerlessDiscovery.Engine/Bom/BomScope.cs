using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Bom;

/// <summary>What one BOM covers: the whole tenant, one instance's assets, or one agent and its transitive dependencies.</summary>
internal sealed record BomScope
{
    private BomScope(string tenant, string? instance, string? agentId)
    {
        Tenant = tenant;
        Instance = instance;
        AgentId = agentId;
    }

    public string Tenant { get; }

    public string? Instance { get; }

    public string? AgentId { get; }

    /// <summary>The scope's stable name: part of the serial number and the key of its version row.</summary>
    public string Key => Instance is not null ? "instance/" + Instance : AgentId is not null ? "agent/" + AgentId : "tenant";

    /// <summary>The subject's bom-ref when the subject is not an asset (tenant or instance).</summary>
    public string SubjectRef => $"serverlessdiscovery:tenant/{Tenant}" + (Instance is null ? string.Empty : $"/instance/{Instance}");

    public static BomScope ForTenant(string tenant) => new(tenant, null, null);

    public static BomScope ForInstance(string tenant, string instance) => new(tenant, instance, null);

    public static BomScope ForAgent(string tenant, string agentId) => new(tenant, null, agentId);

    /// <summary>The assets this scope reads: an agent's dependencies may be in any instance of the tenant (a trace-derived model, a scanned MCP server).</summary>
    public AssetListing Assets => new(Tenant, Instance);

    /// <summary>The edges this scope reads, over the same instances as <see cref="Assets"/>.</summary>
    public EdgeListing Edges => new(Tenant, Instance);
}

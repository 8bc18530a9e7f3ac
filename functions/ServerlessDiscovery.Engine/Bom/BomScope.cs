using ServerlessDiscovery.Storage;

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

    /// <summary>The asset-table filter for this scope's partitions: assets and the usage rows beside them (outbox rows excluded).</summary>
    public string AssetFilter => TableQueries.And(Partitions, $"(RowKey ge 'a') or ({TableQueries.Range("RowKey", Inventory.UsageRows.Prefix)})");

    /// <summary>The edge-table filter for this scope's partitions.</summary>
    public string Partitions => Instance is null
        ? TableQueries.Range("PartitionKey", Tenant + StorageKeys.Separator)
        : TableQueries.Partition(StorageKeys.Partition(Tenant, Instance));
}

namespace ServerlessDiscovery.Domain.Mappings;

/// <summary>
/// A tenant's tool mappings. A tenant holds at most <see cref="MaxPerTenant"/>; they are read whole for every listing
/// that applies them.
/// </summary>
public interface IToolMappingStore
{
    /// <summary>The most mappings one tenant may hold.</summary>
    const int MaxPerTenant = 200;

    /// <summary>The tenant's mappings, oldest first (ties by id).</summary>
    Task<ToolMappingSet> LoadAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Saves the mapping (replacing one with the same id, keeping its place); false when the tenant already holds <see cref="MaxPerTenant"/>.</summary>
    Task<bool> SaveAsync(string tenant, ToolMapping mapping, CancellationToken cancellationToken = default);

    /// <summary>Deletes one mapping; false when the tenant has none with that id.</summary>
    Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default);
}

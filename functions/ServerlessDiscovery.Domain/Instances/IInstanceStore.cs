namespace ServerlessDiscovery.Domain.Instances;

/// <summary>
/// Where plugin instances are kept, one per tenant and id. Secret config fields are sealed at rest with
/// <see cref="IInstanceSecrets"/>; callers see <see cref="PluginInstance.Config"/> in clear.
/// </summary>
public interface IInstanceStore
{
    /// <summary>The instance, or null when there is none.</summary>
    Task<PluginInstance?> GetAsync(string tenant, string id, CancellationToken cancellationToken = default);

    /// <summary>The tenant's instances.</summary>
    Task<IReadOnlyList<PluginInstance>> ListAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Every instance of every tenant: what a tick considers.</summary>
    Task<IReadOnlyList<PluginInstance>> ListAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a new instance; false when the id is taken.</summary>
    Task<bool> AddAsync(PluginInstance instance, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the instance if it has not changed since it was read (its <see cref="PluginInstance.ETag"/>; null
    /// replaces unconditionally) and returns it with its new ETag. Throws <see cref="WriteConflictException"/> when it
    /// changed or was deleted meanwhile.
    /// </summary>
    Task<PluginInstance> ReplaceAsync(PluginInstance instance, CancellationToken cancellationToken = default);

    /// <summary>Deletes the instance; false when there was none.</summary>
    Task<bool> DeleteAsync(string tenant, string id, CancellationToken cancellationToken = default);
}

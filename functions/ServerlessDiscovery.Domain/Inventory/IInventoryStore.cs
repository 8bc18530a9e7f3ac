namespace ServerlessDiscovery.Domain.Inventory;

/// <summary>
/// The inventory's store, as the core's writers and readers use it. Assets, their usage and their pending change
/// events are kept per instance ({tenant, instance}); a commit stores its writes together with the events that record
/// them, in atomic batches (an event is never stored without its change, nor a change without its event).
/// </summary>
public interface IInventoryStore
{
    /// <summary>Every asset of one instance (deleted ones included) and the usage traces counted on its declared assets.</summary>
    Task<InstanceInventory> ReadInstanceAsync(string tenant, string instance, CancellationToken cancellationToken = default);

    /// <summary>The assets of one instance with these keys (those that do not exist are absent from the answer).</summary>
    Task<IReadOnlyDictionary<AssetKey, Asset>> ReadAssetsAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default);

    /// <summary>The usage of one instance's declared assets with these keys (absent when traces never resolved to the asset).</summary>
    Task<IReadOnlyDictionary<AssetKey, AssetUsage>> ReadUsageAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies asset and usage writes of one instance with their events, in order, in atomic batches (as many writes per
    /// batch as the store allows, each batch's events stored with it). A failed condition throws
    /// <see cref="InventoryConflictException"/>, a value the store cannot hold <see cref="InventoryRefusedException"/>;
    /// batches committed before the failure stay committed.
    /// </summary>
    Task<CommitResult> CommitAsync(string tenant, string instance, IReadOnlyList<PlannedChange> plan, CancellationToken cancellationToken = default);

    /// <summary>Every edge of one instance (deleted ones included).</summary>
    Task<IReadOnlyDictionary<EdgeKey, Edge>> ReadEdgesAsync(string tenant, string instance, CancellationToken cancellationToken = default);

    /// <summary>Applies edge writes (<see cref="PutEdge"/>, <see cref="RetireEdge"/>) of one instance in batches.</summary>
    Task<CommitResult> CommitEdgesAsync(string tenant, string instance, IReadOnlyList<InventoryWrite> writes, CancellationToken cancellationToken = default);

    /// <summary>Every asset of a tenant, all its instances, with the usage of its declared assets.</summary>
    Task<TenantAssets> ReadTenantAsync(string tenant, CancellationToken cancellationToken = default);

    /// <summary>Every active edge of a tenant, all its instances.</summary>
    Task<IReadOnlyList<Edge>> ReadTenantEdgesAsync(string tenant, CancellationToken cancellationToken = default);
}

/// <summary>One instance's assets and the usage of its declared ones.</summary>
public sealed record InstanceInventory(IReadOnlyDictionary<AssetKey, Asset> Assets, IReadOnlyDictionary<AssetKey, AssetUsage> Usage);

/// <summary>A tenant's assets (every instance) and the usage of its declared assets.</summary>
public sealed record TenantAssets(IReadOnlyList<Asset> Assets, IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage> Usage)
{
    /// <summary>The usage of an asset, if traces resolved to it.</summary>
    public AssetUsage? UsageOf(Asset asset) => Usage.GetValueOrDefault((asset.Instance, asset.Key));
}

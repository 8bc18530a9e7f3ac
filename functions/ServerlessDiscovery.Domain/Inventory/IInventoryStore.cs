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
    /// <see cref="WriteConflictException"/>, a value the store cannot hold <see cref="InventoryRefusedException"/>;
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

    /// <summary>The assets a listing selects, in the store's order (instance, then type and id), read as the caller goes.</summary>
    IAsyncEnumerable<Asset> QueryAssetsAsync(AssetListing listing, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of at most <paramref name="max"/> assets a listing selects, and the opaque token for the next page (null
    /// when there is none). A token this store did not issue throws <see cref="ArgumentException"/>.
    /// </summary>
    Task<AssetPage> ListAssetsAsync(AssetListing listing, int max, string? continuationToken, CancellationToken cancellationToken = default);

    /// <summary>The usage of the declared assets of some of a tenant's instances.</summary>
    Task<IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage>> ReadUsageAsync(string tenant, IEnumerable<string> instances, CancellationToken cancellationToken = default);

    /// <summary>One asset as every instance of the tenant that saw it holds it (empty when none did).</summary>
    Task<IReadOnlyList<Asset>> FindAssetAsync(string tenant, AssetKey key, CancellationToken cancellationToken = default);

    /// <summary>The edges a listing selects (deleted ones included), read as the caller goes.</summary>
    IAsyncEnumerable<Edge> QueryEdgesAsync(EdgeListing listing, CancellationToken cancellationToken = default);

    /// <summary>
    /// The identities of the active edges a listing selects, read as the caller goes: a graph's shape without the rest
    /// of each edge, for readers that walk a whole tenant's lineage (the BOM).
    /// </summary>
    IAsyncEnumerable<EdgeKey> QueryActiveEdgeKeysAsync(EdgeListing listing, CancellationToken cancellationToken = default);

    /// <summary>How many of a tenant's assets (not deleted) there are by type, and its active edges, reading at most <paramref name="maxRecords"/> records.</summary>
    Task<InventoryCounts> CountAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default);

    /// <summary>When anything of the tenant's inventory (an asset, its usage, a pending event) was last written, reading at most <paramref name="maxRecords"/> records.</summary>
    Task<(DateTimeOffset? LastModified, bool Partial)> LastModifiedAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default);
}

/// <summary>A tenant's asset counts (not deleted) by type and its active edges; <c>Partial</c> when counting stopped at its bound.</summary>
public sealed record InventoryCounts(IReadOnlyDictionary<string, int> AssetsByType, int ActiveEdges, bool Partial);

/// <summary>Which assets a listing reads: a tenant's, or one instance's; of some types (null: every type, empty: none); in one state.</summary>
public sealed record AssetListing(string Tenant, string? Instance = null, IReadOnlyList<string>? Types = null, string? State = null);

/// <summary>One page of assets and the opaque token for the next (null when there is none).</summary>
public sealed record AssetPage(IReadOnlyList<Asset> Assets, string? ContinuationToken);

/// <summary>Which edges a listing reads: a tenant's, or one instance's; from one source id; to one target id.</summary>
public sealed record EdgeListing(string Tenant, string? Instance = null, string? SourceId = null, string? TargetId = null);

/// <summary>One instance's assets and the usage of its declared ones.</summary>
public sealed record InstanceInventory(IReadOnlyDictionary<AssetKey, Asset> Assets, IReadOnlyDictionary<AssetKey, AssetUsage> Usage);

/// <summary>A tenant's assets (every instance) and the usage of its declared assets.</summary>
public sealed record TenantAssets(IReadOnlyList<Asset> Assets, IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage> Usage)
{
    /// <summary>The usage of an asset, if traces resolved to it.</summary>
    public AssetUsage? UsageOf(Asset asset) => Usage.GetValueOrDefault((asset.Instance, asset.Key));
}

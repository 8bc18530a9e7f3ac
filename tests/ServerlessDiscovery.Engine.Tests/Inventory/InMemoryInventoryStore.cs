using System.Globalization;
using System.Runtime.CompilerServices;
using ServerlessDiscovery.Domain;
using ServerlessDiscovery.Domain.ChangeFeed;
using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Tests.Inventory;

/// <summary>
/// <see cref="IInventoryStore"/> and <see cref="IOutboxStore"/> in memory, with the contract's semantics: commits in
/// atomic batches of at most <see cref="BatchSize"/> writes plus one outbox entry holding their events, conditions
/// checked per batch (a failed one rolls the batch back and throws <see cref="WriteConflictException"/>), and a
/// version token per stored asset, usage and edge. For unit tests of the core's logic only.
/// </summary>
internal sealed class InMemoryInventoryStore : IInventoryStore, IOutboxStore
{
    public const int BatchSize = 99;

    /// <param name="time">The clock that stamps writes (as the table service stamps its rows).</param>
    public InMemoryInventoryStore(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    private readonly Dictionary<(string Tenant, string Instance), Partition> _partitions = [];
    private readonly Dictionary<string, DateTimeOffset> _lastWrite = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private long _etag;

    /// <summary>Runs before each batch is applied, so a test can play another host's write in between.</summary>
    public Action<string, string>? BeforeBatch { get; set; }

    /// <summary>Every batch committed (asset and usage writes and edges), in order.</summary>
    public List<IReadOnlyList<InventoryWrite>> Batches { get; } = [];

    public int Writes { get; private set; }

    public void ResetCounts()
    {
        Batches.Clear();
        Writes = 0;
    }

    public IReadOnlyDictionary<AssetKey, Asset> Assets(string tenant, string instance) => Get(tenant, instance).Assets;

    public IReadOnlyDictionary<AssetKey, AssetUsage> Usage(string tenant, string instance) => Get(tenant, instance).Usage;

    public IReadOnlyDictionary<EdgeKey, Edge> Edges(string tenant, string instance) => Get(tenant, instance).Edges;

    public IReadOnlyList<OutboxEntry> Outbox(string tenant, string instance) => [.. Get(tenant, instance).Outbox.Values];

    /// <summary>Stores an asset or usage as another writer would (new version token).</summary>
    public void Seed(Asset asset) => Get(asset.Tenant, asset.Instance).Assets[asset.Key] = asset with { ETag = NextETag() };

    public void Seed(AssetUsage usage) => Get(usage.Tenant, usage.Instance).Usage[usage.Key] = usage with { ETag = NextETag() };

    public Task<InstanceInventory> ReadInstanceAsync(string tenant, string instance, CancellationToken cancellationToken = default)
    {
        Partition p = Get(tenant, instance);
        return Task.FromResult(new InstanceInventory(new Dictionary<AssetKey, Asset>(p.Assets), new Dictionary<AssetKey, AssetUsage>(p.Usage)));
    }

    public Task<IReadOnlyDictionary<AssetKey, Asset>> ReadAssetsAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default)
    {
        Partition p = Get(tenant, instance);
        return Task.FromResult<IReadOnlyDictionary<AssetKey, Asset>>(keys.Where(p.Assets.ContainsKey).Distinct().ToDictionary(k => k, k => p.Assets[k]));
    }

    public Task<IReadOnlyDictionary<AssetKey, AssetUsage>> ReadUsageAsync(string tenant, string instance, IReadOnlyCollection<AssetKey> keys, CancellationToken cancellationToken = default)
    {
        Partition p = Get(tenant, instance);
        return Task.FromResult<IReadOnlyDictionary<AssetKey, AssetUsage>>(keys.Where(p.Usage.ContainsKey).Distinct().ToDictionary(k => k, k => p.Usage[k]));
    }

    public Task<CommitResult> CommitAsync(string tenant, string instance, IReadOnlyList<PlannedChange> plan, CancellationToken cancellationToken = default)
    {
        CommitResult result = default;
        var writes = new List<InventoryWrite>();
        var events = new List<OutboxEvent>();
        foreach (PlannedChange change in plan)
        {
            if (change.Write is not null && writes.Count == BatchSize)
            {
                result += Apply(tenant, instance, writes, events);
                writes.Clear();
                events.Clear();
            }

            if (change.Write is not null)
            {
                writes.Add(change.Write);
            }

            if (change.Event is not null)
            {
                events.Add(change.Event);
            }
        }

        result += Apply(tenant, instance, writes, events);
        return Task.FromResult(result);
    }

    public Task<IReadOnlyDictionary<EdgeKey, Edge>> ReadEdgesAsync(string tenant, string instance, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<EdgeKey, Edge>>(new Dictionary<EdgeKey, Edge>(Get(tenant, instance).Edges));

    public Task<CommitResult> CommitEdgesAsync(string tenant, string instance, IReadOnlyList<InventoryWrite> writes, CancellationToken cancellationToken = default)
    {
        CommitResult result = default;
        foreach (InventoryWrite[] chunk in writes.Chunk(BatchSize + 1))
        {
            result += Apply(tenant, instance, chunk, []);
        }

        return Task.FromResult(result);
    }

    public Task<TenantAssets> ReadTenantAsync(string tenant, CancellationToken cancellationToken = default)
    {
        var partitions = _partitions.Where(p => p.Key.Tenant == tenant).ToList();
        return Task.FromResult(new TenantAssets(
            [.. partitions.SelectMany(p => p.Value.Assets.Values)],
            partitions.SelectMany(p => p.Value.Usage.Values).ToDictionary(u => (u.Instance, u.Key))));
    }

    public Task<IReadOnlyList<Edge>> ReadTenantEdgesAsync(string tenant, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Edge>>([.. _partitions.Where(p => p.Key.Tenant == tenant).SelectMany(p => p.Value.Edges.Values).Where(e => e.State == AssetStates.Active)]);

    public async IAsyncEnumerable<Asset> QueryAssetsAsync(AssetListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (Asset asset in Select(listing))
        {
            yield return asset;
        }
    }

    public Task<AssetPage> ListAssetsAsync(AssetListing listing, int max, string? continuationToken, CancellationToken cancellationToken = default)
    {
        int skip = continuationToken is null ? 0 : int.Parse(continuationToken, CultureInfo.InvariantCulture);
        Asset[] all = [.. Select(listing)];
        Asset[] page = [.. all.Skip(skip).Take(max)];
        return Task.FromResult(new AssetPage(page, skip + page.Length < all.Length ? (skip + page.Length).ToString(CultureInfo.InvariantCulture) : null));
    }

    public Task<IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage>> ReadUsageAsync(string tenant, IEnumerable<string> instances, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<(string Instance, AssetKey Key), AssetUsage>>(
            instances.Distinct().SelectMany(i => Get(tenant, i).Usage.Values).ToDictionary(u => (u.Instance, u.Key)));

    public Task<IReadOnlyList<Asset>> FindAssetAsync(string tenant, AssetKey key, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Asset>>([.. Select(new AssetListing(tenant)).Where(a => a.Key == key)]);

    public async IAsyncEnumerable<Edge> QueryEdgesAsync(EdgeListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (Edge edge in _partitions.Where(p => p.Key.Tenant == listing.Tenant && (listing.Instance is null || p.Key.Instance == listing.Instance))
            .SelectMany(p => p.Value.Edges.Values)
            .Where(e => (listing.SourceId is null || e.SourceId == listing.SourceId) && (listing.TargetId is null || e.TargetId == listing.TargetId)))
        {
            yield return edge;
        }
    }

    public async IAsyncEnumerable<EdgeKey> QueryActiveEdgeKeysAsync(EdgeListing listing, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (Edge edge in QueryEdgesAsync(listing, cancellationToken))
        {
            if (edge.State == AssetStates.Active)
            {
                yield return edge.Key;
            }
        }
    }

    public Task<InventoryCounts> CountAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default) => Task.FromResult(new InventoryCounts(
        Select(new AssetListing(tenant)).Where(a => a.State != AssetStates.Deleted).GroupBy(a => a.Type).ToDictionary(g => g.Key, g => g.Count()),
        _partitions.Where(p => p.Key.Tenant == tenant).Sum(p => p.Value.Edges.Values.Count(e => e.State == AssetStates.Active)),
        Partial: false));

    public Task<(DateTimeOffset? LastModified, bool Partial)> LastModifiedAsync(string tenant, int maxRecords, CancellationToken cancellationToken = default) =>
        Task.FromResult((_lastWrite.TryGetValue(tenant, out DateTimeOffset last) ? last : (DateTimeOffset?)null, false));

    public Task<IReadOnlyList<OutboxEntry>> ReadOutboxAsync(string tenant, string instance, int max, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<OutboxEntry>>([.. Get(tenant, instance).Outbox.Values.Take(max)]);

    public Task DeleteOutboxAsync(string tenant, string instance, IReadOnlyList<OutboxEntry> entries, CancellationToken cancellationToken = default)
    {
        foreach (OutboxEntry entry in entries)
        {
            Get(tenant, instance).Outbox.Remove(entry.Id);
        }

        return Task.CompletedTask;
    }

    private CommitResult Apply(string tenant, string instance, IReadOnlyList<InventoryWrite> writes, List<OutboxEvent> events)
    {
        if (writes.Count == 0 && events.Count == 0)
        {
            return default;
        }

        BeforeBatch?.Invoke(tenant, instance);
        Partition p = Get(tenant, instance);
        Partition before = p.Clone();
        try
        {
            foreach (InventoryWrite write in writes)
            {
                ApplyOne(p, write);
            }
        }
        catch (WriteConflictException)
        {
            _partitions[(tenant, instance)] = before;
            throw;
        }

        if (events.Count > 0)
        {
            p.Outbox["!outbox~" + events[0].Id] = new OutboxEntry("!outbox~" + events[0].Id, events.Count, "[" + string.Join(',', events.Select(e => e.Json)) + "]");
        }

        Batches.Add([.. writes]);
        _lastWrite[tenant] = _time.GetUtcNow();
        int count = writes.Count + (events.Count > 0 ? 1 : 0);
        Writes += count;
        return new CommitResult(count, 1);
    }

    private void ApplyOne(Partition p, InventoryWrite write)
    {
        switch (write)
        {
            case PutAsset put:
                Asset? stored = p.Assets.GetValueOrDefault(put.Asset.Key);
                if ((put.IfAbsent && stored is not null) || (put.IfMatch is not null && stored?.ETag != put.IfMatch))
                {
                    throw new WriteConflictException();
                }

                p.Assets[put.Asset.Key] = put.Asset with { ETag = NextETag() };
                break;
            case TouchAsset touch:
                Asset? touched = p.Assets.GetValueOrDefault(touch.Key);
                if (touch.IfMatch is not null && touched?.ETag != touch.IfMatch)
                {
                    throw new WriteConflictException();
                }

                touched ??= new Asset { Tenant = string.Empty, Instance = string.Empty, Type = touch.Key.Type, Id = touch.Key.Id };
                p.Assets[touch.Key] = touched with { LastSeen = touch.LastSeen, Usage = touch.Usage ?? touched.Usage, Drains = touch.Drains ?? touched.Drains, ETag = NextETag() };
                break;
            case PutUsage put:
                AssetUsage? usage = p.Usage.GetValueOrDefault(put.Usage.Key);
                if (put.Usage.ETag != usage?.ETag)
                {
                    throw new WriteConflictException();
                }

                p.Usage[put.Usage.Key] = put.Usage with { ETag = NextETag() };
                break;
            case DeleteUsage delete:
                p.Usage.Remove(delete.Key);
                break;
            case PutEdge put:
                p.Edges[put.Edge.Key] = put.Edge;
                break;
            case RetireEdge retire:
                if (p.Edges.TryGetValue(retire.Key, out Edge? edge))
                {
                    p.Edges[retire.Key] = edge with { State = AssetStates.Deleted, StateChangedAt = retire.At };
                }

                break;
            default:
                throw new ArgumentException(write.GetType().Name, nameof(write));
        }
    }

    private IEnumerable<Asset> Select(AssetListing listing) => _partitions
        .Where(p => p.Key.Tenant == listing.Tenant && (listing.Instance is null || p.Key.Instance == listing.Instance))
        .OrderBy(p => p.Key.Instance, StringComparer.Ordinal)
        .SelectMany(p => p.Value.Assets.Values.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
        .Where(a => (listing.Types is null || listing.Types.Contains(a.Type)) && (listing.State is null || a.State == listing.State));

    private string NextETag() => (++_etag).ToString(CultureInfo.InvariantCulture);

    private Partition Get(string tenant, string instance)
    {
        if (!_partitions.TryGetValue((tenant, instance), out Partition? p))
        {
            _partitions[(tenant, instance)] = p = new Partition();
        }

        return p;
    }

    private sealed class Partition
    {
        public Dictionary<AssetKey, Asset> Assets { get; init; } = [];

        public Dictionary<AssetKey, AssetUsage> Usage { get; init; } = [];

        public Dictionary<EdgeKey, Edge> Edges { get; init; } = [];

        public SortedDictionary<string, OutboxEntry> Outbox { get; init; } = new(StringComparer.Ordinal);

        public Partition Clone() => new() { Assets = new(Assets), Usage = new(Usage), Edges = new(Edges), Outbox = new(Outbox, StringComparer.Ordinal) };
    }
}

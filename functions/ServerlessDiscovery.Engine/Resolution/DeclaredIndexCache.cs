using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Resolution;

/// <summary>
/// Each tenant's <see cref="DeclaredIndex"/>, rebuilt from the store at most every Discovery__ResolutionIndexTtl, so
/// resolution on the trace path costs lookups, not queries. A scan's new assets resolve once the index is rebuilt.
/// </summary>
public sealed class DeclaredIndexCache(TenantInventory inventory, IInstanceStore instances, TimeProvider time, IOptions<DiscoveryOptions> options)
{
    private readonly ConcurrentDictionary<string, (DeclaredIndex Index, DateTimeOffset BuiltAt)> _tenants = new(StringComparer.Ordinal);

    public async Task<DeclaredIndex> GetAsync(string tenant, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        if (_tenants.TryGetValue(tenant, out var cached) && now - cached.BuiltAt < options.Value.ResolutionIndexTtl)
        {
            return cached.Index;
        }

        DeclaredIndex index = await BuildAsync(tenant, cancellationToken);
        _tenants[tenant] = (index, now);
        return index;
    }

    /// <summary>A fresh index from the store (findings use this: they must see the latest scans).</summary>
    public async Task<DeclaredIndex> BuildAsync(string tenant, CancellationToken cancellationToken = default)
    {
        TenantRows rows = await inventory.LoadAsync(tenant, cancellationToken);
        return Build(rows, await instances.ListAsync(tenant, cancellationToken));
    }

    public static DeclaredIndex Build(TenantRows rows, IReadOnlyList<PluginInstance> tenantInstances)
    {
        Dictionary<string, string> types = tenantInstances.ToDictionary(i => i.Id, i => i.PluginType, StringComparer.Ordinal);
        return new DeclaredIndex(rows.Assets.Where(r => !Provenance.IsTraceDerived(r) && r.GetString(AssetColumns.State) != AssetState.Deleted).Select(r => ToDeclared(r, types)));
    }

    public static DeclaredAsset ToDeclared(TableEntity row, IReadOnlyDictionary<string, string> pluginTypes)
    {
        string instance = row.GetString(AssetColumns.Instance) ?? string.Empty;
        JsonObject attributes = JsonNode.Parse(LargeText.Read(row, AssetColumns.Attributes) ?? "{}") as JsonObject ?? [];
        return new DeclaredAsset(instance, pluginTypes.GetValueOrDefault(instance, string.Empty), row.GetString(AssetColumns.Type) ?? string.Empty,
            row.GetString(AssetColumns.Id) ?? string.Empty, row.GetString(AssetColumns.Name) ?? string.Empty, attributes);
    }
}

using ServerlessDiscovery.Domain.Inventory;
using ServerlessDiscovery.Engine.ChangeFeed;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>What a reset of a tenant's discoveries changed.</summary>
public sealed record ResetOutcome(int AssetsDeleted, int RelationshipsDeleted, int UsageRowsCleared, string RunId);

/// <summary>
/// OpenCITE's reset-discoveries for one tenant: every asset it has not already deleted becomes deleted, each with its
/// Asset.Deleted change event committed with it (so subscribers and the change log see the reset as deletions, never a
/// silent wipe); its relationships are marked deleted and the usage counted for declared assets is cleared. Instances,
/// schedules, webhooks and mappings are left alone: the next scan restores what its source still declares, the next
/// trace what it still observes.
/// </summary>
public sealed class DiscoveryReset(IInventoryStore store, TimeProvider time)
{
    public async Task<ResetOutcome> ResetAsync(string tenant, string requestedBy, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        string runId = $"reset-{now:yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..40];
        string reason = $"Discoveries reset through POST /api/v1/reset-discoveries by {requestedBy} at {now:O}.";
        TenantAssets inventory = await store.ReadTenantAsync(tenant, cancellationToken);

        var instances = new SortedSet<string>(StringComparer.Ordinal);
        instances.UnionWith(inventory.Assets.Where(a => a.State != AssetState.Deleted).Select(a => a.Instance));
        instances.UnionWith(inventory.Usage.Keys.Select(k => k.Instance));

        // One sequence across instances: event ids stay unique within the reset, whatever instance they come from.
        int deleted = 0, cleared = 0, sequence = 0;
        foreach (string instance in instances)
        {
            var scan = new ScanIdentity(tenant, instance, runId, Force: true);
            var plan = new List<PlannedChange>();
            foreach (AssetUsage usage in inventory.Usage.Values.Where(u => u.Instance == instance).OrderBy(u => u.Type, StringComparer.Ordinal).ThenBy(u => u.Id, StringComparer.Ordinal))
            {
                plan.Add(PlannedChange.Of(new DeleteUsage(usage.Key)));
                cleared++;
            }

            foreach (Asset asset in inventory.Assets.Where(a => a.Instance == instance && a.State != AssetState.Deleted)
                .OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal))
            {
                plan.Add(InventoryWriter.Transition(scan, asset, inventory.UsageOf(asset), AssetState.Deleted, reason, ChangeEventTypes.AssetDeleted, ++sequence, now));
                deleted++;
            }

            await store.CommitAsync(tenant, instance, plan, cancellationToken);
        }

        return new ResetOutcome(deleted, await DeleteEdgesAsync(tenant, now, cancellationToken), cleared, runId);
    }

    private async Task<int> DeleteEdgesAsync(string tenant, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int count = 0;
        foreach (IGrouping<string, Edge> instance in (await store.ReadTenantEdgesAsync(tenant, cancellationToken)).GroupBy(e => e.Instance, StringComparer.Ordinal))
        {
            count += (await store.CommitEdgesAsync(tenant, instance.Key, [.. instance.Select(e => new RetireEdge(e.Key, now))], cancellationToken)).Writes;
        }

        return count;
    }
}

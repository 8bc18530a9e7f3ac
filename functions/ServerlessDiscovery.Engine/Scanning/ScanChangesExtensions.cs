using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Inventory;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>What a scan's record keeps of the inventory writer's outcome.</summary>
public static class ScanChangesExtensions
{
    public static ScanChanges ToScanChanges(this InventoryChanges changes) => new()
    {
        Created = changes.Created,
        Updated = changes.Updated,
        Unchanged = changes.Unchanged,
        Deleted = changes.Deleted,
        Stale = changes.Stale,
        Restored = changes.Restored,
        EntityWrites = changes.EntityWrites,
        Refusal = changes.Refusal,
    };
}

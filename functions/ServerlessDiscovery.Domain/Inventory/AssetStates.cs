namespace ServerlessDiscovery.Domain.Inventory;

/// <summary>An asset's (or an edge's) lifecycle state.</summary>
public static class AssetStates
{
    public const string Active = "active";
    public const string Stale = "stale";
    public const string Deleted = "deleted";
}

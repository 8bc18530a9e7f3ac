namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An asset's lifecycle state.</summary>
public static class AssetState
{
    public const string Active = "active";
    public const string Stale = "stale";
    public const string Deleted = "deleted";
}

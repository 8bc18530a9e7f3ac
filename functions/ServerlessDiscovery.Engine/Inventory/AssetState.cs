using ServerlessDiscovery.Domain.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>An asset's lifecycle state (the domain's <see cref="AssetStates"/>).</summary>
public static class AssetState
{
    public const string Active = AssetStates.Active;
    public const string Stale = AssetStates.Stale;
    public const string Deleted = AssetStates.Deleted;
}

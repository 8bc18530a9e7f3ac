using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>
/// The asset row form of <see cref="AssetDocument"/>, for the BOM exporter while it still queries the assets table
/// itself; it maps the row through Storage's InventoryRows and answers as the domain form does. Remove once the BOM
/// reads through <see cref="Domain.Inventory.IInventoryStore"/>.
/// </summary>
internal static class AssetRows
{
    /// <summary>The asset as the API and events show it; <paramref name="usage"/> is its usage row when traces resolved to it.</summary>
    public static JsonObject ToJson(TableEntity row, TableEntity? usage = null) =>
        AssetDocument.ToJson(InventoryRows.ToAsset(row), usage is null ? null : InventoryRows.ToUsage(usage));
}

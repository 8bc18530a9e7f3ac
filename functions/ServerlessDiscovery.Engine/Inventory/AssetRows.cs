using System.Text.Json.Nodes;
using Azure.Data.Tables;
using ServerlessDiscovery.Storage;
using ServerlessDiscovery.Storage.Inventory;

namespace ServerlessDiscovery.Engine.Inventory;

// The row forms, for the readers that still query the assets table themselves (findings, the BOM, resolution's
// declared index); each maps the row through Storage's InventoryRows and answers as the domain form does. Remove once
// those readers read through IInventoryStore.
public static partial class Provenance
{
    public static bool IsTraceDerived(TableEntity row) => row.GetString(AssetColumns.Scope) == TraceScope;
}

/// <summary>The asset row forms of <see cref="AssetDocument"/>, for the readers that still query the assets table themselves.</summary>
internal static class AssetRows
{
    /// <summary>The asset as the API and events show it; <paramref name="usage"/> is its usage row when traces resolved to it.</summary>
    public static JsonObject ToJson(TableEntity row, TableEntity? usage = null) =>
        AssetDocument.ToJson(InventoryRows.ToAsset(row), usage is null ? null : InventoryRows.ToUsage(usage));

    /// <summary>A copy of a stored row to write back: every stored column, without the read-only service columns.</summary>
    public static TableEntity Copy(TableEntity row)
    {
        var next = new TableEntity(row.PartitionKey, row.RowKey);
        foreach ((string name, object value) in row)
        {
            if (name is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag"))
            {
                next[name] = value;
            }
        }

        return next;
    }
}

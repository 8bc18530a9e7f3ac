using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ServerlessDiscovery.Http.Api;

/// <summary>
/// GET /inventory: one page of the flat listing, <c>{items, count, continuationToken}</c>. Each item is the asset as
/// change events carry it (<c>AssetDocument</c>: type, id, name, tenant, instance, scope, state, version, first/last
/// seen, last changed, attributes and their sources, provenance, observed, metadata; usage on trace-derived assets,
/// reason and state_changed_at on tombstones). The token is null on the last page.
/// </summary>
internal sealed record InventoryPage(
    [property: JsonPropertyName("items")] IReadOnlyList<JsonObject> Items,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("continuationToken"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ContinuationToken);

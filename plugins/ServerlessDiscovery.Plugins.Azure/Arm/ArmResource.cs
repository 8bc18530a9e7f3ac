using System.Text.Json;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Plugins.Http;
using static ServerlessDiscovery.Plugins.Http.JsonFields;

namespace ServerlessDiscovery.Plugins.Azure.Arm;

/// <summary>The common envelope of an ARM resource: id, name, type, kind, location, sku and properties.</summary>
internal sealed record ArmResource(string Id, string Name, string? Kind, string? Location, JsonElement Raw)
{
    /// <summary>ARM ids are case-insensitive; the asset id is the lower-cased id, the original is kept in attributes.</summary>
    public string AssetId => NormalizeId(Id);

    public JsonElement Properties => Raw.TryGetProperty("properties", out JsonElement p) && p.ValueKind == JsonValueKind.Object ? p : default;

    public JsonElement Sku => Raw.TryGetProperty("sku", out JsonElement s) && s.ValueKind == JsonValueKind.Object ? s : default;

    public static string NormalizeId(string id) => id.TrimEnd('/').ToLowerInvariant();

    public static ArmResource Parse(string operation, JsonElement item)
    {
        string? id = Text(item, "id");
        string? name = Text(item, "name");
        if (item.ValueKind != JsonValueKind.Object || string.IsNullOrEmpty(id) || !id.StartsWith('/') || string.IsNullOrEmpty(name))
        {
            throw new ProviderException($"Azure {operation} returned an item without a resource id and name.");
        }

        return new ArmResource(id, name, Text(item, "kind"), Text(item, "location"), item);
    }

    /// <summary>The subscription id and resource group named in an ARM id.</summary>
    public (string? Subscription, string? ResourceGroup) Parents()
    {
        string[] parts = Id.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? sub = null, group = null;
        for (int i = 0; i + 1 < parts.Length; i++)
        {
            if (parts[i].Equals("subscriptions", StringComparison.OrdinalIgnoreCase))
            {
                sub = parts[i + 1];
            }
            else if (parts[i].Equals("resourceGroups", StringComparison.OrdinalIgnoreCase))
            {
                group = parts[i + 1];
            }
        }

        return (sub, group);
    }

    /// <summary>Attributes every Azure asset carries.</summary>
    public JsonObject BaseAttributes()
    {
        (string? sub, string? group) = Parents();
        var attributes = new JsonObject
        {
            ["resource_id"] = Id,
            ["resource_type"] = Text(Raw, "type"),
            ["subscription_id"] = sub,
            ["resource_group"] = group,
        };
        if (Location is not null)
        {
            attributes["location"] = Location;
        }

        if (Kind is not null)
        {
            attributes["kind"] = Kind;
        }

        if (Text(Properties, "provisioningState") is { } state)
        {
            attributes["provisioning_state"] = state;
        }

        return attributes;
    }
}

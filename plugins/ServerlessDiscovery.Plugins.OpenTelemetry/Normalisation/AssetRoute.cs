using System.Text.Json.Nodes;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>
/// Where calls to one trace-derived identity went, as far as resolution to a declared asset can tell them apart: the
/// attributes a resolution rule reads beside the identity itself (the server address, URL and endpoint name of
/// <see cref="RouteHints"/>, and an agent's id). The same deployment name on two Azure OpenAI accounts is one
/// identity (<c>azure.ai.openai/gpt-4o</c>) on two routes, and each route's usage belongs to its own account's
/// deployment, so usage is kept per route until resolution has placed it. Equality is ordinal on the four values.
/// </summary>
public readonly record struct AssetRoute(string? ServerAddress, string? Url, string? EndpointName, string? AgentId)
{
    /// <summary>The attribute keys of a route.</summary>
    public static IReadOnlyList<string> Keys { get; } = [RouteHints.ServerAddressKey, RouteHints.UrlKey, RouteHints.EndpointNameKey, AgentIdKey];

    /// <summary>Attribute key of an agent's id (<c>gen_ai.agent.id</c>).</summary>
    public const string AgentIdKey = "agent_id";

    /// <summary>No route attribute at all: such a call can go nowhere in particular, so it joins the asset's first route.</summary>
    public bool IsEmpty => ServerAddress is null && Url is null && EndpointName is null && AgentId is null;

    /// <summary>The route of an asset's attributes.</summary>
    public static AssetRoute Of(JsonObject attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return new AssetRoute(Text(attributes, RouteHints.ServerAddressKey), Text(attributes, RouteHints.UrlKey), Text(attributes, RouteHints.EndpointNameKey), Text(attributes, AgentIdKey));
    }

    internal static AssetRoute Of(AssetDraft draft)
    {
        string? address = null, url = null, endpoint = null, agent = null;
        foreach (KeyValuePair<string, string> a in draft.Attributes)
        {
            switch (a.Key)
            {
                case RouteHints.ServerAddressKey: address ??= a.Value; break;
                case RouteHints.UrlKey: url ??= a.Value; break;
                case RouteHints.EndpointNameKey: endpoint ??= a.Value; break;
                case AgentIdKey: agent ??= a.Value; break;
            }
        }

        return new AssetRoute(address, url, endpoint, agent);
    }

    /// <summary><paramref name="attributes"/> with its route attributes replaced by this route's.</summary>
    public JsonObject Apply(JsonObject attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var copy = (JsonObject)attributes.DeepClone();
        Set(copy, RouteHints.ServerAddressKey, ServerAddress);
        Set(copy, RouteHints.UrlKey, Url);
        Set(copy, RouteHints.EndpointNameKey, EndpointName);
        Set(copy, AgentIdKey, AgentId);
        return copy;
    }

    private static void Set(JsonObject attributes, string key, string? value)
    {
        if (value is null)
        {
            attributes.Remove(key);
        }
        else
        {
            attributes[key] = value;
        }
    }

    private static string? Text(JsonObject attributes, string key) =>
        attributes[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}

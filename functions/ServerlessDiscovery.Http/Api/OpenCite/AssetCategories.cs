using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Http.Api.OpenCite;

/// <summary>
/// OpenCITE's asset categories (the keys of <c>GET /api/v1/assets</c>'s <c>assets</c> and of its export) and which of
/// our asset types fall in each. OpenCITE files data-oriented downstream systems (database, dataset, document store)
/// under data_assets; so do we.
/// </summary>
internal static class AssetCategories
{
    public const string Tools = "tools";
    public const string Models = "models";
    public const string Agents = "agents";
    public const string DownstreamSystems = "downstream_systems";
    public const string McpServers = "mcp_servers";
    public const string McpTools = "mcp_tools";
    public const string McpResources = "mcp_resources";
    public const string DataAssets = "data_assets";
    public const string Identities = "identities";

    /// <summary>Prompts are an MCP kind OpenCITE lacks; they get a category of their own rather than being hidden.</summary>
    public const string McpPrompts = "mcp_prompts";

    /// <summary>OpenCITE's categories in its order, then ours.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Tools, Models, Agents, DownstreamSystems, McpServers, McpTools, McpResources, DataAssets, Identities, McpPrompts];

    /// <summary>Downstream kinds OpenCITE reports as data assets (its _DATA_ASSET_TYPES).</summary>
    private static readonly HashSet<string> DataKinds = new(["database", "dataset", "document_store"], StringComparer.Ordinal);

    private static readonly Dictionary<string, string[]> TypesOf = new(StringComparer.Ordinal)
    {
        [Tools] = [AssetTypes.Tool],
        [Models] = [AssetTypes.Model, AssetTypes.GenerativeModel],
        [Agents] = [AssetTypes.Agent],
        [DownstreamSystems] = [AssetTypes.DownstreamSystem],
        [McpServers] = [AssetTypes.McpServer],
        [McpTools] = [AssetTypes.McpTool],
        [McpResources] = [AssetTypes.McpResource, AssetTypes.McpResourceTemplate],
        [DataAssets] = [AssetTypes.Catalog, AssetTypes.Schema, AssetTypes.Table, AssetTypes.Volume, AssetTypes.Function, AssetTypes.Endpoint, AssetTypes.Deployment, AssetTypes.DownstreamSystem],
        [Identities] = [AssetTypes.Principal],
        [McpPrompts] = [AssetTypes.McpPrompt],
    };

    /// <summary>The category an asset is listed under; a downstream system of a data kind is a data asset.</summary>
    public static string Of(string? assetType, string? downstreamKind) => assetType switch
    {
        AssetTypes.Tool => Tools,
        AssetTypes.Model or AssetTypes.GenerativeModel => Models,
        AssetTypes.Agent => Agents,
        AssetTypes.DownstreamSystem => downstreamKind is not null && DataKinds.Contains(downstreamKind) ? DataAssets : DownstreamSystems,
        AssetTypes.McpServer => McpServers,
        AssetTypes.McpTool => McpTools,
        AssetTypes.McpResource or AssetTypes.McpResourceTemplate => McpResources,
        AssetTypes.McpPrompt => McpPrompts,
        AssetTypes.Principal => Identities,
        _ => DataAssets,
    };

    /// <summary>
    /// The asset types to read for OpenCITE's <c>?type=</c>: <c>all</c> or none reads everything (null); a category
    /// (<c>tools</c>, <c>data_assets</c>) or one of our asset types (<c>tool</c>, <c>mcp_server</c>, as OpenCITE's REST
    /// reference spells them) reads its types. Anything else matches nothing, as in OpenCITE: every list comes back empty.
    /// </summary>
    public static string[]? TypesFor(string? type) =>
        type is null or "all" ? null
        : TypesOf.TryGetValue(type, out string[]? types) ? types
        : AssetTypes.IsKnown(type) ? [type]
        : [];

    /// <summary>
    /// Whether an asset listed under <paramref name="category"/> belongs in the answer to <c>?type=</c>: a category asks
    /// for itself (downstream_systems also keeps the data-kind ones it reclassifies, as OpenCITE does); an asset type
    /// already chose its rows.
    /// </summary>
    public static bool Wanted(string? type, string category) =>
        type is null or "all" || !TypesOf.ContainsKey(type) || type == category || (type == DownstreamSystems && category == DataAssets);
}

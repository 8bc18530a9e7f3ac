using System.Globalization;
using System.Net.Http;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using ServerlessDiscovery.Plugins.Mcp.Configuration;
using ServerlessDiscovery.Plugins.Mcp.Connection;
using ServerlessDiscovery.Plugins.Redaction;

namespace ServerlessDiscovery.Plugins.Mcp.Discovery;

/// <summary>
/// One scan or verify of one MCP server. Scopes: the server itself, and one per list (tools, resources,
/// resource templates, prompts), so one list failing never tombstones another's items. A list the server does
/// not declare as a capability is complete and empty.
/// </summary>
internal sealed class McpPlugin(McpEndpoint endpoint, PluginContext context) : IPlugin
{
    /// <summary>Guards against a server whose cursors never end.</summary>
    internal const int MaxPages = 1000;

    /// <summary>The 2026-07-28 revision removed ping (and initialize): its server/discover exchange is the liveness check.</summary>
    private const string FirstRevisionWithoutPing = "2026-07-28";

    private readonly ILogger _logger = context.LoggerFactory.CreateLogger("ServerlessDiscovery.Plugins.Mcp");
    private readonly SecretRedactor _redactor = new(endpoint.SecretValues);

    private string ServerScope => $"mcp:{endpoint.ServerId}";

    private string ListScope(string kind) => $"{ServerScope}:{kind}";

    public async Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(endpoint.Timeout);
        try
        {
            await using McpClient client = await McpConnector.ConnectAsync(endpoint, context, budget.Token).ConfigureAwait(false);
            if (string.CompareOrdinal(client.NegotiatedProtocolVersion, FirstRevisionWithoutPing) < 0)
            {
                await client.PingAsync(cancellationToken: budget.Token).ConfigureAwait(false);
            }

            return VerifyResult.Ok;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure of the server, its transport or its process is an answer, not a crash of the host.
            return VerifyResult.Fail(Describe(ex, budget));
        }
    }

    public async Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(endpoint.Timeout);
        McpClient client;
        try
        {
            client = await McpConnector.ConnectAsync(endpoint, context, budget.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            string reason = Describe(ex, budget);
            Log.ServerFailed(_logger, endpoint.ServerId, reason);
            foreach (string scope in (string[])[ServerScope, ListScope("tools"), ListScope("resources"), ListScope("resource_templates"), ListScope("prompts")])
            {
                sink.ScopeFailed(scope, reason);
            }

            return;
        }

        await using (client.ConfigureAwait(false))
        {
            Log.Connected(_logger, endpoint.ServerId, endpoint.TransportName, client.NegotiatedProtocolVersion);
            string serverId = endpoint.ServerId;
            await sink.AddAssetAsync(McpAssets.Server(endpoint, client, ServerScope), cancellationToken).ConfigureAwait(false);
            sink.ScopeCompleted(ServerScope);

            ServerCapabilities? capabilities = client.ServerCapabilities;
            int tools = await ListAsync(sink, "tools", AssetTypes.McpTool, capabilities?.Tools is not null,
                async (cursor, ct) =>
                {
                    ListToolsResult page = await client.ListToolsAsync(new ListToolsRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                    return (page.Tools.Select(t => (Func<string, DiscoveredAsset>)(scope => McpAssets.Tool(serverId, t, scope))).ToList(), page.NextCursor);
                },
                budget, cancellationToken).ConfigureAwait(false);
            int resources = await ListAsync(sink, "resources", AssetTypes.McpResource, capabilities?.Resources is not null,
                async (cursor, ct) =>
                {
                    ListResourcesResult page = await client.ListResourcesAsync(new ListResourcesRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                    return (page.Resources.Select(r => (Func<string, DiscoveredAsset>)(scope => McpAssets.Resource(serverId, r, scope))).ToList(), page.NextCursor);
                },
                budget, cancellationToken).ConfigureAwait(false);
            int templates = await ListAsync(sink, "resource_templates", AssetTypes.McpResourceTemplate, capabilities?.Resources is not null,
                async (cursor, ct) =>
                {
                    ListResourceTemplatesResult page = await client.ListResourceTemplatesAsync(new ListResourceTemplatesRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                    return (page.ResourceTemplates.Select(r => (Func<string, DiscoveredAsset>)(scope => McpAssets.ResourceTemplate(serverId, r, scope))).ToList(), page.NextCursor);
                },
                budget, cancellationToken).ConfigureAwait(false);
            int prompts = await ListAsync(sink, "prompts", AssetTypes.McpPrompt, capabilities?.Prompts is not null,
                async (cursor, ct) =>
                {
                    ListPromptsResult page = await client.ListPromptsAsync(new ListPromptsRequestParams { Cursor = cursor }, ct).ConfigureAwait(false);
                    return (page.Prompts.Select(p => (Func<string, DiscoveredAsset>)(scope => McpAssets.Prompt(serverId, p, scope))).ToList(), page.NextCursor);
                },
                budget, cancellationToken).ConfigureAwait(false);
            Log.Listed(_logger, serverId, tools, resources, templates, prompts);
        }
    }

    /// <summary>
    /// Lists every page of one kind into its own scope, each item with a contains edge from the server.
    /// Returns how many items were listed; a failure is reported on the scope, never thrown.
    /// </summary>
    private async Task<int> ListAsync(
        IDiscoverySink sink,
        string kind,
        string assetType,
        bool declared,
        Func<string?, CancellationToken, Task<(List<Func<string, DiscoveredAsset>> Items, string? NextCursor)>> fetchPage,
        CancellationTokenSource budget,
        CancellationToken cancellationToken)
    {
        string scope = ListScope(kind);
        if (!declared)
        {
            sink.ScopeCompleted(scope);
            return 0;
        }

        int count = 0;
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        try
        {
            for (int page = 1; ; page++)
            {
                (List<Func<string, DiscoveredAsset>> items, string? next) = await fetchPage(cursor, budget.Token).ConfigureAwait(false);
                foreach (Func<string, DiscoveredAsset> make in items)
                {
                    DiscoveredAsset asset = make(scope);
                    await sink.AddAssetAsync(asset, budget.Token).ConfigureAwait(false);
                    await sink.AddEdgeAsync(new DiscoveredEdge(AssetTypes.McpServer, endpoint.ServerId, Relationships.Contains, assetType, asset.Id, scope), budget.Token).ConfigureAwait(false);
                    count++;
                }

                if (string.IsNullOrEmpty(next))
                {
                    sink.ScopeCompleted(scope);
                    return count;
                }

                if (!cursors.Add(next) || page >= MaxPages)
                {
                    throw new InvalidDataException(page >= MaxPages
                        ? string.Create(CultureInfo.InvariantCulture, $"the {kind} list did not end within {MaxPages} pages")
                        : $"the server repeated a {kind} cursor, so its list never ends");
                }

                cursor = next;
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            string reason = Describe(ex, budget);
            Log.ListFailed(_logger, endpoint.ServerId, kind, reason);
            sink.ScopeFailed(scope, reason);
            return count;
        }
    }

    /// <summary>Why the server could not be read, with every configured secret value removed.</summary>
    private string Describe(Exception ex, CancellationTokenSource budget)
    {
        string reason = ex switch
        {
            // The SDK's own initialization and connection timeouts equal the budget and may fire first, as TimeoutException.
            OperationCanceledException or TimeoutException or McpException when budget.IsCancellationRequested =>
                string.Create(CultureInfo.InvariantCulture, $"no complete answer within {endpoint.Timeout.TotalSeconds:0} s"),
            McpProtocolException protocol => $"protocol error {(int)protocol.ErrorCode}: {protocol.Message}",
            HttpRequestException { StatusCode: { } status } http => $"HTTP {(int)status} {status}: {http.Message}",
            _ when ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal) => $"{ex.Message} ({inner.Message})",
            _ => ex.Message,
        };
        return _redactor.Redact($"MCP server {endpoint.ServerId}: {reason}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

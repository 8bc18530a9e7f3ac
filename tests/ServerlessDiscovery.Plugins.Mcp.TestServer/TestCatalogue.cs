using System.Globalization;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace ServerlessDiscovery.Plugins.Mcp.TestServer;

/// <summary>
/// What a test MCP server offers: numbered tools, resources, resource templates and prompts, listed in pages of
/// <see cref="PageSize"/> through the server SDK's list handlers so clients must follow cursors. Counts every list call.
/// Shared by the stdio test server and the Streamable HTTP server the tests host in-process.
/// </summary>
public sealed record TestCatalogue
{
    private int _toolListCalls;
    private int _resourceListCalls;
    private int _templateListCalls;
    private int _promptListCalls;

    public required string ServerName { get; init; }

    public string ServerVersion { get; init; } = "1.2.3";

    public int PageSize { get; init; } = 5;

    public IReadOnlyList<Tool> Tools { get; init; } = [];

    public IReadOnlyList<Resource> Resources { get; init; } = [];

    public IReadOnlyList<ResourceTemplate> ResourceTemplates { get; init; } = [];

    /// <summary>Null: the server does not declare the prompts capability at all.</summary>
    public IReadOnlyList<Prompt>? Prompts { get; init; } = [];

    /// <summary>Restricts the protocol versions the server accepts (null: every version the SDK knows).</summary>
    public string? ProtocolVersion { get; init; }

    public int ToolListCalls => _toolListCalls;

    public int ResourceListCalls => _resourceListCalls;

    public int TemplateListCalls => _templateListCalls;

    public int PromptListCalls => _promptListCalls;

    /// <summary>A catalogue of <paramref name="count"/> items of each kind, paged by <paramref name="pageSize"/>.</summary>
    public static TestCatalogue Numbered(string serverName, int count, int pageSize = 5, bool withPrompts = true, IEnumerable<Tool>? extraTools = null) => new()
    {
        ServerName = serverName,
        PageSize = pageSize,
        Tools =
        [
            .. Enumerable.Range(1, count).Select(i => new Tool
            {
                Name = Invariant($"tool_{i:00}"),
                Title = Invariant($"Tool {i}"),
                Description = Invariant($"Does thing number {i}."),
                InputSchema = Schema("""{"type":"object","properties":{"query":{"type":"string","description":"What to look for"}},"required":["query"]}"""),
                Annotations = new ToolAnnotations { ReadOnlyHint = i % 2 == 0, DestructiveHint = i % 2 == 1, OpenWorldHint = false },
            }),
            .. extraTools ?? [],
        ],
        Resources = [.. Enumerable.Range(1, count).Select(i => new Resource { Uri = Invariant($"file:///data/doc-{i:00}.md"), Name = Invariant($"doc-{i:00}"), MimeType = "text/markdown", Description = "A document." })],
        ResourceTemplates = [.. Enumerable.Range(1, count).Select(i => new ResourceTemplate { UriTemplate = Invariant($"db://table-{i:00}/{{id}}"), Name = Invariant($"row-{i:00}"), MimeType = "application/json" })],
        Prompts = withPrompts
            ? [.. Enumerable.Range(1, count).Select(i => new Prompt
            {
                Name = Invariant($"prompt_{i:00}"),
                Description = "Summarises a topic.",
                Arguments = [new PromptArgument { Name = "topic", Description = "What to summarise", Required = true }, new PromptArgument { Name = "tone" }],
            })]
            : null,
    };

    public static JsonElement Schema(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Server options answering from this catalogue; one instance per server session.</summary>
    public McpServerOptions CreateOptions()
    {
        var options = new McpServerOptions
        {
            ServerInfo = new Implementation { Name = ServerName, Version = ServerVersion },
            ProtocolVersion = ProtocolVersion,
            Capabilities = new ServerCapabilities
            {
                Tools = new ToolsCapability(),
                Resources = new ResourcesCapability(),
                Prompts = Prompts is null ? null : new PromptsCapability(),
            },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (request, _) =>
                {
                    Interlocked.Increment(ref _toolListCalls);
                    (List<Tool> items, string? next) = Page(Tools, request.Params?.Cursor);
                    return ValueTask.FromResult(new ListToolsResult { Tools = items, NextCursor = next });
                },
                CallToolHandler = (_, _) => ValueTask.FromResult(new CallToolResult { Content = [new TextContentBlock { Text = "ok" }] }),
                ListResourcesHandler = (request, _) =>
                {
                    Interlocked.Increment(ref _resourceListCalls);
                    (List<Resource> items, string? next) = Page(Resources, request.Params?.Cursor);
                    return ValueTask.FromResult(new ListResourcesResult { Resources = items, NextCursor = next });
                },
                ListResourceTemplatesHandler = (request, _) =>
                {
                    Interlocked.Increment(ref _templateListCalls);
                    (List<ResourceTemplate> items, string? next) = Page(ResourceTemplates, request.Params?.Cursor);
                    return ValueTask.FromResult(new ListResourceTemplatesResult { ResourceTemplates = items, NextCursor = next });
                },
                ReadResourceHandler = (request, _) => ValueTask.FromResult(new ReadResourceResult
                {
                    Contents = [new TextResourceContents { Uri = request.Params!.Uri, Text = "content" }],
                }),
            },
        };
        if (Prompts is not null)
        {
            options.Handlers.ListPromptsHandler = (request, _) =>
            {
                Interlocked.Increment(ref _promptListCalls);
                (List<Prompt> items, string? next) = Page(Prompts, request.Params?.Cursor);
                return ValueTask.FromResult(new ListPromptsResult { Prompts = items, NextCursor = next });
            };
            options.Handlers.GetPromptHandler = (_, _) => ValueTask.FromResult(new GetPromptResult { Messages = [] });
        }

        return options;
    }

    /// <summary>One page: the cursor is the index of its first item.</summary>
    private (List<T> Items, string? Next) Page<T>(IReadOnlyList<T> all, string? cursor)
    {
        int start = cursor is null ? 0 : int.Parse(cursor, CultureInfo.InvariantCulture);
        int end = Math.Min(all.Count, start + PageSize);
        return ([.. all.Skip(start).Take(end - start)], end < all.Count ? end.ToString(CultureInfo.InvariantCulture) : null);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

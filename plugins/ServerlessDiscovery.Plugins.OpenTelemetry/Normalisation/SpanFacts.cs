namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>An asset a span names, with the attributes the span gave it (content only: no times, no request ids).</summary>
internal sealed class AssetDraft(string type, string id, string name)
{
    public string Type { get; } = type;

    public string Id { get; } = id;

    public string Name { get; } = name;

    public AssetKey Key => new(Type, Id);

    public List<KeyValuePair<string, string>> Attributes { get; } = [];

    public AssetDraft With(string key, string? value)
    {
        if (value is not null)
        {
            Attributes.Add(new(key, value));
        }

        return this;
    }
}

/// <summary>What one span says about the estate: the assets it names and what it counts towards their usage.</summary>
internal sealed class SpanFacts
{
    public AssetDraft? Model { get; set; }

    /// <summary>Set when the span is a model call (not an agent or tool span that merely mentions a model).</summary>
    public bool ModelInvoked { get; set; }

    /// <summary>Tokens the span reports for its model (a model call's, or a coding agent's response event completing one).</summary>
    public long InputTokens { get; set; }

    public long OutputTokens { get; set; }

    public AssetDraft? Agent { get; set; }

    public bool AgentInvoked { get; set; }

    /// <summary>A tool: type tool, or mcp_tool when the span is an MCP tools/call.</summary>
    public AssetDraft? Tool { get; set; }

    /// <summary>Set unless the span only mentions the tool (a coding agent's approval decision, say) without running it.</summary>
    public bool ToolInvoked { get; set; } = true;

    public AssetDraft? McpServer { get; set; }

    public AssetDraft? McpResource { get; set; }

    public AssetDraft? Downstream { get; set; }

    public string? ConversationId { get; set; }

    /// <summary>The calling service (resource service.name): a caller of every asset the span invokes.</summary>
    public string? Service { get; set; }

    public DateTimeOffset? Time { get; set; }
}

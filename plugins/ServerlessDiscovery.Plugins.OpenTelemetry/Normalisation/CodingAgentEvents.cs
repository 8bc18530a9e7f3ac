using ServerlessDiscovery.Otlp.Decoding;
using A = ServerlessDiscovery.Otlp.Decoding.SpanAttribute;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>
/// The telemetry events coding agents emit about themselves (as OTLP log records, or spans of the same names), by their
/// documented names and attributes: Claude Code (code.claude.com/docs/en/monitoring-usage, "Events":
/// <c>claude_code.user_prompt</c>, <c>api_request</c>, <c>api_error</c>, <c>tool_result</c>, <c>tool_decision</c>, the
/// name also as the <c>event.name</c> attribute without its prefix), OpenAI Codex CLI (github.com/openai/codex,
/// docs/config.md "otel": <c>codex.conversation_starts</c>, <c>api_request</c>, <c>sse_event</c>, <c>user_prompt</c>,
/// <c>tool_decision</c>, <c>tool_result</c>) and Gemini CLI (github.com/google-gemini/gemini-cli, docs/cli/telemetry.md:
/// <c>gemini_cli.config</c>, <c>user_prompt</c>, <c>tool_call</c>, <c>api_request</c>, <c>api_response</c>,
/// <c>api_error</c>). Each event names the agent itself (the event's namespace, or the service that sent an unprefixed
/// name, as OpenCITE's log fixture does), and some a model, a tool or an MCP tool it used. One event per model call
/// (Claude Code's <c>api_request</c>, Codex's <c>sse_event</c> with token counts, Gemini CLI's <c>api_response</c>) and
/// per tool run (<c>tool_result</c>, <c>tool_call</c>) counts as an invocation; the others only show the asset.
/// </summary>
internal static class CodingAgentEvents
{
    private static readonly CodingAgent[] Agents =
    [
        new("claude-code", "Claude Code, Anthropic's coding agent", "claude_code.", "anthropic", "api_request", ["claude-code"]),
        new("codex-cli", "OpenAI Codex CLI", "codex.", "openai", "sse_event", ["codex-cli", "codex_cli_rs", "codex_exec", "codex_tui"]),
        new("gemini-cli", "Gemini CLI", "gemini_cli.", "gcp.gen_ai", "api_response", ["gemini-cli"]),
    ];

    /// <summary>The facts of a coding agent's event, or null when the span is no such event.</summary>
    public static SpanFacts? Normalise(OtlpSpan span)
    {
        AttributeSet a = span.Attributes;
        string? attributeName = a.Text(A.EventName);
        if (attributeName is null && !span.Name.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        (CodingAgent? agent, string kind) = Identify(attributeName ?? span.Name, a, byService: attributeName is not null);
        if (agent is null)
        {
            return null;
        }

        var facts = new SpanFacts
        {
            Agent = new AssetDraft(AssetTypes.Agent, AssetIds.Agent(agent.Id), agent.Id)
                .With("description", agent.Description)
                .With("agent_kind", "coding_agent"),
            AgentInvoked = kind == "user_prompt",
        };

        if ((a.Text(A.Model) ?? a.Text(A.GenAiRequestModel) ?? a.Text(A.GenAiResponseModel)) is { } model)
        {
            string? declared = a.Text(A.Provider) ?? a.Text(A.ProviderName) ?? GenAiSpanNormaliser.DeclaredProvider(a);
            string provider = ProviderNames.Canonical(declared ?? agent.DefaultProvider, null);
            facts.Model = GenAiSpanNormaliser.ModelDraft(provider, model, declared is null, null, RouteHints.Of(a));
            long input = a.Integer(A.InputTokens) ?? a.Integer(A.InputTokenCount) ?? a.Integer(A.GenAiUsageInputTokens) ?? 0;
            long output = a.Integer(A.OutputTokens) ?? a.Integer(A.OutputTokenCount) ?? a.Integer(A.GenAiUsageOutputTokens) ?? 0;
            // Codex streams many sse_events per call; only the completing one carries token counts.
            facts.ModelInvoked = kind == agent.ModelCallEvent && (kind != "sse_event" || input != 0 || output != 0);
            // Tokens of the counted event, and of an api_response completing a call counted at its api_request (OpenCITE's
            // log fixture sends Claude Code's that way); never of events repeating a call's totals (Gemini CLI's GenAI details).
            if (facts.ModelInvoked || kind == "api_response")
            {
                (facts.InputTokens, facts.OutputTokens) = (input, output);
            }
        }

        if ((a.Text(A.ToolNameSnake) ?? a.Text(A.FunctionName) ?? a.Text(A.GenAiToolName)) is { } tool)
        {
            facts.ToolInvoked = kind is "tool_result" or "tool_call";
            (string? server, string name) = McpToolOf(tool, a);
            if (server is not null)
            {
                facts.McpServer = new AssetDraft(AssetTypes.McpServer, AssetIds.McpServer(server), server);
                facts.Tool = new AssetDraft(AssetTypes.McpTool, AssetIds.McpTool(server, name), name).With("server", server);
            }
            else
            {
                facts.Tool = new AssetDraft(AssetTypes.Tool, AssetIds.Tool(name), name).With("tool_type", "coding_agent_builtin");
            }
        }

        return facts;
    }

    /// <summary>The agent an event belongs to, by its name's namespace, else (an unprefixed name) by the sending service; and the event's kind.</summary>
    private static (CodingAgent? Agent, string Kind) Identify(string eventName, AttributeSet a, bool byService)
    {
        foreach (CodingAgent agent in Agents)
        {
            if (eventName.StartsWith(agent.Prefix, StringComparison.Ordinal))
            {
                return (agent, eventName[agent.Prefix.Length..]);
            }
        }

        if (byService && a.Text(A.ServiceName) is { } service)
        {
            foreach (CodingAgent agent in Agents)
            {
                if (agent.Services.Contains(service, StringComparer.OrdinalIgnoreCase))
                {
                    return (agent, eventName);
                }
            }
        }

        return (null, eventName);
    }

    /// <summary>
    /// (server, tool) of an MCP tool: Gemini CLI's tool_type "mcp" with mcp_server_name, or the mcp__{server}__{tool}
    /// name Claude Code (and the others) give MCP tools; (null, name) for a built-in tool.
    /// </summary>
    private static (string? Server, string Tool) McpToolOf(string tool, AttributeSet a)
    {
        const string Prefix = "mcp__";
        if (tool.StartsWith(Prefix, StringComparison.Ordinal) && tool.IndexOf("__", Prefix.Length, StringComparison.Ordinal) is int split and > 0)
        {
            string server = tool[Prefix.Length..split];
            string name = tool[(split + 2)..];
            if (server.Length > 0 && name.Length > 0)
            {
                return (server, name);
            }
        }

        if (string.Equals(a.Text(A.ToolType), "mcp", StringComparison.OrdinalIgnoreCase) && a.Text(A.McpServerNameSnake) is { } mcpServer)
        {
            return (mcpServer, tool);
        }

        return (null, tool);
    }

    private sealed record CodingAgent(string Id, string Description, string Prefix, string DefaultProvider, string ModelCallEvent, string[] Services);
}

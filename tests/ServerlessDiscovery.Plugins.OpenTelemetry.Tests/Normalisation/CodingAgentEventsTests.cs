using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Normalisation;

/// <summary>
/// Coding agents' telemetry events, by the names and attributes their documentation gives: Claude Code
/// (code.claude.com/docs/en/monitoring-usage, "Events"), OpenAI Codex CLI (github.com/openai/codex docs/config.md,
/// "otel" event catalogue) and Gemini CLI (github.com/google-gemini/gemini-cli docs/cli/telemetry.md, "Logs"). Sent as
/// spans here; the same attributes sent as OTLP log records are tested on the real app (OpenCiteTraceTests).
/// </summary>
public sealed class CodingAgentEventsTests
{
    private static TraceExtraction Extract(string service, params ServerlessDiscovery.Otlp.Protocol.Trace.Span[] spans) =>
        new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System)).Extract("t", Spans.Decode(service, spans));

    [Fact]
    public void ClaudeCode_DocumentedEvents_AgentModelToolsAndMcp()
    {
        TraceExtraction x = Extract("claude-code",
            Spans.Make(1, 1, 0, "claude_code.user_prompt", ("event.name", "user_prompt"), ("prompt_length", 17L)),
            Spans.Make(2, 1, 0, "claude_code.api_request", ("event.name", "api_request"), ("model", "claude-sonnet-4-5"), ("input_tokens", 1200L), ("output_tokens", 300L), ("cost_usd", 0.02)),
            Spans.Make(3, 1, 0, "claude_code.tool_decision", ("event.name", "tool_decision"), ("tool_name", "Bash"), ("decision", "accept"), ("source", "config")),
            Spans.Make(4, 1, 0, "claude_code.tool_result", ("event.name", "tool_result"), ("tool_name", "Bash"), ("success", "true"), ("duration_ms", 40L)),
            Spans.Make(5, 1, 0, "claude_code.tool_result", ("event.name", "tool_result"), ("tool_name", "mcp__github__create_issue"), ("success", "true")),
            Spans.Make(6, 1, 0, "claude_code.api_error", ("event.name", "api_error"), ("model", "claude-haiku-4-5"), ("error", "overloaded"), ("status_code", "529")));

        Assert.Equal(
            ["agent:claude-code", "mcp_server:github", "mcp_tool:github/create_issue", "model:anthropic/claude-haiku-4-5", "model:anthropic/claude-sonnet-4-5", "tool:bash"],
            x.Assets.Select(a => $"{a.Type}:{a.Id}").Order(StringComparer.Ordinal));
        Assert.Equal("coding_agent", x.Assets.Single(a => a.Type == "agent").Attributes["agent_kind"]!.GetValue<string>());
        Assert.Equal(1, x.Usage[new("agent", "claude-code")].Invocations);
        AssetUsage sonnet = x.Usage[new("model", "anthropic/claude-sonnet-4-5")];
        Assert.Equal((1, 1200, 300), (sonnet.Invocations, sonnet.InputTokens, sonnet.OutputTokens));
        Assert.Equal(0, x.Usage[new("model", "anthropic/claude-haiku-4-5")].Invocations);
        Assert.Equal(1, x.Usage[new("tool", "bash")].Invocations); // the decision shows the tool, the result counts the run
        Assert.Contains(x.Edges, e => e is { SourceId: "claude-code", Relationship: "uses_model", TargetId: "anthropic/claude-sonnet-4-5" });
        Assert.Contains(x.Edges, e => e is { SourceId: "claude-code", Relationship: "uses_tool", TargetId: "bash" });
        Assert.Contains(x.Edges, e => e is { SourceId: "claude-code", Relationship: "uses_tool", TargetType: "mcp_tool", TargetId: "github/create_issue" });
        Assert.Contains(x.Edges, e => e is { SourceId: "github", Relationship: "contains", TargetId: "github/create_issue" });
    }

    [Fact]
    public void CodexCli_DocumentedEvents_ProviderFromConversationStartAndTokensFromTheCompletedStream()
    {
        TraceExtraction x = Extract("codex_exec",
            Spans.Make(1, 1, 0, "codex.conversation_starts", ("event.name", "codex.conversation_starts"), ("model", "gpt-5-codex"), ("provider_name", "OpenAI"), ("reasoning_effort", "medium")),
            Spans.Make(2, 1, 0, "codex.api_request", ("event.name", "codex.api_request"), ("model", "gpt-5-codex"), ("duration_ms", 900L), ("http.response.status_code", 200L)),
            Spans.Make(3, 1, 0, "codex.sse_event", ("event.name", "codex.sse_event"), ("model", "gpt-5-codex"), ("event.kind", "response.output_text.delta")),
            Spans.Make(4, 1, 0, "codex.sse_event", ("event.name", "codex.sse_event"), ("model", "gpt-5-codex"), ("event.kind", "response.completed"), ("input_token_count", 800L), ("output_token_count", 120L)),
            Spans.Make(5, 1, 0, "codex.tool_result", ("event.name", "codex.tool_result"), ("model", "gpt-5-codex"), ("tool_name", "shell"), ("call_id", "c1"), ("success", "true")));

        AssetUsage model = x.Usage[new("model", "openai/gpt-5-codex")];
        Assert.Equal((1, 800, 120), (model.Invocations, model.InputTokens, model.OutputTokens));
        Assert.Equal(["agent:codex-cli", "model:openai/gpt-5-codex", "tool:shell"], x.Assets.Select(a => $"{a.Type}:{a.Id}").Order(StringComparer.Ordinal));
        Assert.Equal(1, x.Usage[new("tool", "shell")].Invocations);
    }

    [Fact]
    public void GeminiCli_DocumentedEvents_McpToolByServerAndResponseTokens()
    {
        TraceExtraction x = Extract("gemini-cli",
            Spans.Make(1, 1, 0, "gemini_cli.api_request", ("event.name", "gemini_cli.api_request"), ("model", "gemini-2.5-pro"), ("prompt_id", "p1")),
            Spans.Make(2, 1, 0, "gemini_cli.api_response", ("event.name", "gemini_cli.api_response"), ("model", "gemini-2.5-pro"), ("input_token_count", 500L), ("output_token_count", 60L), ("status_code", 200L)),
            Spans.Make(3, 1, 0, "gemini_cli.tool_call", ("event.name", "gemini_cli.tool_call"), ("function_name", "search_docs"), ("tool_type", "mcp"), ("mcp_server_name", "context7"), ("success", "true")),
            Spans.Make(4, 1, 0, "gemini_cli.tool_call", ("event.name", "gemini_cli.tool_call"), ("function_name", "read_file"), ("tool_type", "native"), ("success", "true")),
            // The GenAI-convention event repeating the call: shows the model under its declared provider, counts nothing again.
            Spans.Make(5, 1, 0, "gen_ai.client.inference.operation.details", ("event.name", "gen_ai.client.inference.operation.details"), ("gen_ai.request.model", "gemini-2.5-pro"),
                ("gen_ai.provider.name", "gcp.gen_ai"), ("gen_ai.operation.name", "generate_content"), ("gen_ai.usage.input_tokens", 500L)));

        AssetUsage model = x.Usage[new("model", "gcp.gen_ai/gemini-2.5-pro")];
        Assert.Equal((1, 500, 60), (model.Invocations, model.InputTokens, model.OutputTokens));
        Assert.Equal(
            ["agent:gemini-cli", "mcp_server:context7", "mcp_tool:context7/search_docs", "model:gcp.gen_ai/gemini-2.5-pro", "tool:read_file"],
            x.Assets.Select(a => $"{a.Type}:{a.Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OrdinarySpans_WithDottedNames_AreNotCodingAgentEvents()
    {
        TraceExtraction x = Extract("test-tool",
            Spans.Make(1, 1, 0, "chat.completions", ("gen_ai.request.model", "openai/gpt-4"), ("gen_ai.system", "openrouter")),
            Spans.Make(2, 1, 0, "user_prompt", ("event.name", "user_prompt")));

        Assert.Equal("openrouter/openai%2Fgpt-4", Assert.Single(x.Assets).Id);
    }
}

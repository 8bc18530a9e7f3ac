using System.Buffers;
using System.Collections.Frozen;
using System.Text;

namespace ServerlessDiscovery.Otlp.Decoding;

/// <summary>
/// The attribute keys the GenAI normaliser reads. Decoding keeps only these (from the resource and the span, the span
/// winning), so a span costs one dictionary lookup per attribute and nothing for keys no rule reads.
/// </summary>
public enum SpanAttribute
{
    ServiceName,
    GenAiProviderName,
    GenAiSystem,
    GenAiRequestModel,
    GenAiResponseModel,
    GenAiOperationName,
    GenAiUsageInputTokens,
    GenAiUsageOutputTokens,
    GenAiUsagePromptTokens,
    GenAiUsageCompletionTokens,
    GenAiAgentName,
    GenAiAgentId,
    GenAiAgentDescription,
    GenAiToolName,
    GenAiToolType,
    GenAiToolCallId,
    GenAiToolDescription,
    GenAiConversationId,
    McpMethodName,
    McpServerName,
    McpToolName,
    McpResourceUri,
    ServerAddress,
    ServerPort,
    DbSystem,
    DbSystemName,
    DbNamespace,
    DbName,
    UrlFull,
    HttpUrl,
    MessagingSystem,
    MessagingDestinationName,
    MessagingDestination,
    RpcSystem,
    RpcService,
    LlmModel,
    LlmRequestModel,
    LlmModelName,
    LlmProvider,
    LlmSystem,
    LlmUsagePromptTokens,
    LlmUsageCompletionTokens,
    LlmTokenCountPrompt,
    LlmTokenCountCompletion,
    AgentName,
    AgentNameDotted,
    AgentId,
    ToolName,
    ToolDescription,
    TraceloopSpanKind,
    TraceloopEntityName,
    OpenInferenceSpanKind,
    GenAiModelProvider,
    McpServer,
    McpTool,
    McpResource,
    McpServerTransport,
    McpServerEndpoint,
    McpServerVersion,
    EventName,
    Model,
    Provider,
    ProviderName,
    InputTokens,
    OutputTokens,
    InputTokenCount,
    OutputTokenCount,
    ToolNameSnake,
    FunctionName,
    ToolType,
    McpServerNameSnake,
}

/// <summary>The wire keys of <see cref="SpanAttribute"/>.</summary>
internal static class SpanAttributeKeys
{
    private static readonly (string Key, SpanAttribute Attribute)[] Keys =
    [
        ("service.name", SpanAttribute.ServiceName),
        ("gen_ai.provider.name", SpanAttribute.GenAiProviderName),
        ("gen_ai.system", SpanAttribute.GenAiSystem),
        ("gen_ai.request.model", SpanAttribute.GenAiRequestModel),
        ("gen_ai.response.model", SpanAttribute.GenAiResponseModel),
        ("gen_ai.operation.name", SpanAttribute.GenAiOperationName),
        ("gen_ai.usage.input_tokens", SpanAttribute.GenAiUsageInputTokens),
        ("gen_ai.usage.output_tokens", SpanAttribute.GenAiUsageOutputTokens),
        ("gen_ai.usage.prompt_tokens", SpanAttribute.GenAiUsagePromptTokens),
        ("gen_ai.usage.completion_tokens", SpanAttribute.GenAiUsageCompletionTokens),
        ("gen_ai.agent.name", SpanAttribute.GenAiAgentName),
        ("gen_ai.agent.id", SpanAttribute.GenAiAgentId),
        ("gen_ai.agent.description", SpanAttribute.GenAiAgentDescription),
        ("gen_ai.tool.name", SpanAttribute.GenAiToolName),
        ("gen_ai.tool.type", SpanAttribute.GenAiToolType),
        ("gen_ai.tool.call.id", SpanAttribute.GenAiToolCallId),
        ("gen_ai.tool.description", SpanAttribute.GenAiToolDescription),
        ("gen_ai.conversation.id", SpanAttribute.GenAiConversationId),
        ("mcp.method.name", SpanAttribute.McpMethodName),
        ("mcp.server.name", SpanAttribute.McpServerName),
        ("mcp.tool.name", SpanAttribute.McpToolName),
        ("mcp.resource.uri", SpanAttribute.McpResourceUri),
        ("server.address", SpanAttribute.ServerAddress),
        ("server.port", SpanAttribute.ServerPort),
        ("db.system", SpanAttribute.DbSystem),
        ("db.system.name", SpanAttribute.DbSystemName),
        ("db.namespace", SpanAttribute.DbNamespace),
        ("db.name", SpanAttribute.DbName),
        ("url.full", SpanAttribute.UrlFull),
        ("http.url", SpanAttribute.HttpUrl),
        ("messaging.system", SpanAttribute.MessagingSystem),
        ("messaging.destination.name", SpanAttribute.MessagingDestinationName),
        ("messaging.destination", SpanAttribute.MessagingDestination),
        ("rpc.system", SpanAttribute.RpcSystem),
        ("rpc.service", SpanAttribute.RpcService),
        ("llm.model", SpanAttribute.LlmModel),
        ("llm.request.model", SpanAttribute.LlmRequestModel),
        ("llm.model_name", SpanAttribute.LlmModelName),
        ("llm.provider", SpanAttribute.LlmProvider),
        ("llm.system", SpanAttribute.LlmSystem),
        ("llm.usage.prompt_tokens", SpanAttribute.LlmUsagePromptTokens),
        ("llm.usage.completion_tokens", SpanAttribute.LlmUsageCompletionTokens),
        ("llm.token_count.prompt", SpanAttribute.LlmTokenCountPrompt),
        ("llm.token_count.completion", SpanAttribute.LlmTokenCountCompletion),
        ("agent_name", SpanAttribute.AgentName),
        ("agent.name", SpanAttribute.AgentNameDotted),
        ("agent_id", SpanAttribute.AgentId),
        ("tool.name", SpanAttribute.ToolName),
        ("tool.description", SpanAttribute.ToolDescription),
        ("traceloop.span.kind", SpanAttribute.TraceloopSpanKind),
        ("traceloop.entity.name", SpanAttribute.TraceloopEntityName),
        ("openinference.span.kind", SpanAttribute.OpenInferenceSpanKind),
        // Cloudflare AI Gateway's provider attribute (OpenCITE docs/SENDING_TRACES.md).
        ("gen_ai.model.provider", SpanAttribute.GenAiModelProvider),
        // OpenCITE's MCP attributes (open-cite src/open_cite/plugins/opentelemetry.py, _detect_mcp_usage).
        ("mcp.server", SpanAttribute.McpServer),
        ("mcp.tool", SpanAttribute.McpTool),
        ("mcp.resource", SpanAttribute.McpResource),
        ("mcp.server.transport", SpanAttribute.McpServerTransport),
        ("mcp.server.endpoint", SpanAttribute.McpServerEndpoint),
        ("mcp.server.version", SpanAttribute.McpServerVersion),
        // Coding agents' telemetry events (Claude Code, OpenAI Codex CLI, Gemini CLI): the plugin's CodingAgentEvents.
        ("event.name", SpanAttribute.EventName),
        ("model", SpanAttribute.Model),
        ("provider", SpanAttribute.Provider),
        ("provider_name", SpanAttribute.ProviderName),
        ("input_tokens", SpanAttribute.InputTokens),
        ("output_tokens", SpanAttribute.OutputTokens),
        ("input_token_count", SpanAttribute.InputTokenCount),
        ("output_token_count", SpanAttribute.OutputTokenCount),
        ("tool_name", SpanAttribute.ToolNameSnake),
        ("function_name", SpanAttribute.FunctionName),
        ("tool_type", SpanAttribute.ToolType),
        ("mcp_server_name", SpanAttribute.McpServerNameSnake),
    ];

    internal static FrozenDictionary<string, SpanAttribute> ByKey { get; } =
        Keys.ToFrozenDictionary(k => k.Key, k => k.Attribute, StringComparer.Ordinal);

    /// <summary>The longest key in characters, which is also its length in UTF-8: every key is ASCII.</summary>
    internal static int MaxKeyLength { get; } = Keys.Max(k => k.Key.Length);

    private static readonly FrozenDictionary<string, SpanAttribute>.AlternateLookup<ReadOnlySpan<char>> ByKeyChars =
        ByKey.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The OTLP attribute key of <paramref name="attribute"/>.</summary>
    public static string KeyOf(SpanAttribute attribute) => Keys[(int)attribute].Key;

    public static bool TryGet(string key, out SpanAttribute attribute) => ByKey.TryGetValue(key, out attribute);

    /// <summary>
    /// Looks up a key sent as UTF-8 without making a string of it. Every key is ASCII, so a key with any other byte
    /// (which a decoder would turn into a non-ASCII character or U+FFFD) or longer than <see cref="MaxKeyLength"/>
    /// matches none.
    /// </summary>
    public static bool TryGet(ReadOnlySpan<byte> utf8Key, out SpanAttribute attribute)
    {
        Span<char> chars = stackalloc char[MaxKeyLength];
        if (utf8Key.Length <= MaxKeyLength && Ascii.ToUtf16(utf8Key, chars, out int written) == OperationStatus.Done)
        {
            return ByKeyChars.TryGetValue(chars[..written], out attribute);
        }

        attribute = default;
        return false;
    }
}

using ServerlessDiscovery.Otlp.Decoding;
using A = ServerlessDiscovery.Otlp.Decoding.SpanAttribute;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

/// <summary>
/// One span into the assets it names (README: "Attribute mapping"). Pure and stateless; relationships that need a
/// span's ancestors are left to <see cref="Attribution.TraceAttributor"/>.
/// </summary>
internal static class GenAiSpanNormaliser
{
    private const string ToolsCall = "tools/call";
    private const string ResourcesRead = "resources/read";

    /// <summary>An MCP span naming only its server (OpenCITE's form without tool or resource).</summary>
    private const string McpServerOnly = "server";

    public static SpanFacts? Normalise(OtlpSpan span)
    {
        AttributeSet a = span.Attributes;
        SpanFacts? facts = CodingAgentEvents.Normalise(span);
        if (facts is not null)
        {
            return Complete(facts, span, a);
        }

        string? operation = a.Text(A.GenAiOperationName)?.ToLowerInvariant();
        string? traceloopKind = a.Text(A.TraceloopSpanKind)?.ToLowerInvariant();
        string? openInferenceKind = a.Text(A.OpenInferenceSpanKind)?.ToUpperInvariant();

        // Agent: only where a span names one.
        string? agentName = a.Text(A.GenAiAgentName) ?? a.Text(A.AgentName) ?? a.Text(A.AgentNameDotted)
            ?? (traceloopKind == "agent" ? a.Text(A.TraceloopEntityName) : null);
        string? agentId = a.Text(A.GenAiAgentId) ?? a.Text(A.AgentId);
        if (agentName is not null || agentId is not null)
        {
            facts = new SpanFacts
            {
                Agent = new AssetDraft(AssetTypes.Agent, AssetIds.Agent(agentName ?? agentId!), agentName ?? agentId!)
                    .With("agent_id", agentId)
                    .With("description", a.Text(A.GenAiAgentDescription)),
                AgentInvoked = operation == "invoke_agent" || traceloopKind == "agent" || openInferenceKind == "AGENT",
            };
        }

        // Model: (provider, model name). A SageMaker InvokeEndpoint call names no model: its endpoint is the model.
        RouteHints route = RouteHints.Of(a);
        string? modelName = a.Text(A.GenAiRequestModel) ?? a.Text(A.GenAiResponseModel) ?? a.Text(A.LlmRequestModel) ?? a.Text(A.LlmModel) ?? a.Text(A.LlmModelName)
            ?? (route.Kind == RouteHints.SageMakerEndpoint ? route.EndpointName : null);
        if (modelName is not null)
        {
            string? declared = DeclaredProvider(a);
            string provider = declared is null && route.Kind == RouteHints.SageMakerEndpoint ? "aws.sagemaker" : ProviderNames.Canonical(declared, route.Host);
            facts ??= new SpanFacts();
            facts.Model = ModelDraft(provider, modelName, declared is null, a.Text(A.GenAiResponseModel)?.Trim(), route);

            // Agent and tool spans often carry the model and the run's aggregated tokens: count only the model call itself.
            facts.ModelInvoked = operation is not ("invoke_agent" or "create_agent" or "execute_tool") && !facts.AgentInvoked;
            if (facts.ModelInvoked)
            {
                facts.InputTokens = a.Integer(A.GenAiUsageInputTokens) ?? a.Integer(A.GenAiUsagePromptTokens) ?? a.Integer(A.LlmUsagePromptTokens) ?? a.Integer(A.LlmTokenCountPrompt) ?? 0;
                facts.OutputTokens = a.Integer(A.GenAiUsageOutputTokens) ?? a.Integer(A.GenAiUsageCompletionTokens) ?? a.Integer(A.LlmUsageCompletionTokens) ?? a.Integer(A.LlmTokenCountCompletion) ?? 0;
            }
        }

        // MCP: method from mcp.method.name or the span name ("tools/call get_weather"); OpenCITE's form names only the
        // server (mcp.server.name or mcp.server) and the tool (mcp.tool.name or mcp.tool) or resource (mcp.resource.uri or mcp.resource).
        string? mcpTool = a.Text(A.McpToolName) ?? a.Text(A.McpTool);
        string? mcpResource = a.Text(A.McpResourceUri) ?? a.Text(A.McpResource);
        string? mcpMethod = a.Text(A.McpMethodName) ?? (span.Name.StartsWith(ToolsCall, StringComparison.Ordinal) ? ToolsCall
            : span.Name.StartsWith(ResourcesRead, StringComparison.Ordinal) ? ResourcesRead
            : (a.Text(A.McpServerName) ?? a.Text(A.McpServer)) is null ? null
            : mcpTool is not null ? ToolsCall
            : mcpResource is not null ? ResourcesRead
            : McpServerOnly);
        string? toolName = a.Text(A.GenAiToolName) ?? mcpTool ?? a.Text(A.ToolName)
            ?? (traceloopKind == "tool" ? a.Text(A.TraceloopEntityName) : null)
            ?? (mcpMethod == ToolsCall ? NameAfter(span.Name, ToolsCall) : null);
        string? mcpServer = mcpMethod is null ? null : McpServerOf(span, a);
        if (mcpServer is not null)
        {
            facts ??= new SpanFacts();
            RouteHints endpoint = a.Text(A.McpServerEndpoint) is { } declaredEndpoint ? RouteHints.OfUrl(declaredEndpoint) : route;
            facts.McpServer = new AssetDraft(AssetTypes.McpServer, AssetIds.McpServer(mcpServer), mcpServer.Trim())
                .With(RouteHints.ServerAddressKey, span.Kind == OtlpSpanKind.Server ? null : endpoint.Address)
                .With(RouteHints.UrlKey, span.Kind == OtlpSpanKind.Server ? null : endpoint.Url)
                .With("transport", a.Text(A.McpServerTransport))
                .With("version", a.Text(A.McpServerVersion));
            string? uri = mcpMethod == ResourcesRead ? mcpResource ?? NameAfter(span.Name, ResourcesRead) : null;
            if (uri is not null)
            {
                facts.McpResource = new AssetDraft(AssetTypes.McpResource, AssetIds.McpResource(mcpServer, uri), uri)
                    .With("server", mcpServer.Trim())
                    .With("uri", uri);
            }
        }

        if (toolName is not null && (mcpMethod is null or ToolsCall))
        {
            facts ??= new SpanFacts();
            facts.Tool = facts.McpServer is { } server
                ? new AssetDraft(AssetTypes.McpTool, AssetIds.McpTool(server.Name, toolName), toolName.Trim()).With("server", server.Name)
                : new AssetDraft(AssetTypes.Tool, AssetIds.Tool(toolName), toolName.Trim()).With("tool_type", a.Text(A.GenAiToolType));
            facts.Tool.With("description", a.Text(A.GenAiToolDescription) ?? a.Text(A.ToolDescription));
        }

        if (facts is null && span.Kind != OtlpSpanKind.Server && DownstreamOf(a) is { } downstream)
        {
            facts = new SpanFacts { Downstream = downstream };
        }

        return facts is null ? null : Complete(facts, span, a);
    }

    /// <summary>The provider a span declares: gen_ai.provider.name, else its older and vendor spellings; null when none.</summary>
    public static string? DeclaredProvider(AttributeSet a) =>
        a.Text(A.GenAiProviderName) ?? a.Text(A.GenAiSystem) ?? a.Text(A.GenAiModelProvider) ?? a.Text(A.LlmProvider) ?? a.Text(A.LlmSystem);

    /// <summary>A model asset: (provider, model); <paramref name="providerInferred"/> records that no span attribute named the provider.</summary>
    public static AssetDraft ModelDraft(string provider, string modelName, bool providerInferred, string? responseModel, RouteHints route) =>
        new AssetDraft(AssetTypes.Model, AssetIds.Model(provider, modelName), modelName.Trim())
            .With("provider", provider)
            .With("inferred", providerInferred ? "provider" : null)
            .With("model", modelName.Trim())
            .With("response_model", responseModel == modelName.Trim() ? null : responseModel)
            .With(RouteHints.ServerAddressKey, route.Address)
            .With(RouteHints.EndpointNameKey, route.EndpointName);

    /// <summary>
    /// The model of <paramref name="facts"/> under the provider its trace declares (the span itself named none): the same
    /// model id the declaring spans produce, so one model is one asset however its trace's spans spell it.
    /// </summary>
    public static void InheritProvider(SpanFacts facts, string provider)
    {
        AssetDraft unknown = facts.Model!;
        var inherited = new AssetDraft(AssetTypes.Model, AssetIds.Model(provider, unknown.Name), unknown.Name).With("provider", provider);
        foreach (KeyValuePair<string, string> attribute in unknown.Attributes)
        {
            if (attribute.Key is not ("provider" or "inferred"))
            {
                inherited.Attributes.Add(attribute);
            }
        }

        facts.Model = inherited;
    }

    private static SpanFacts Complete(SpanFacts facts, OtlpSpan span, AttributeSet a)
    {
        facts.ConversationId = a.Text(A.GenAiConversationId);
        facts.Service = a.Text(A.ServiceName);
        ulong nanos = span.EndTimeUnixNano != 0 ? span.EndTimeUnixNano : span.StartTimeUnixNano;
        facts.Time = nanos == 0 ? null : DateTimeOffset.UnixEpoch.AddTicks((long)(nanos / 100));
        return facts;
    }

    /// <summary>The MCP server a span talks to or is: mcp.server.name (or OpenCITE's mcp.server), else the service itself for server spans, else server.address[:port].</summary>
    private static string? McpServerOf(OtlpSpan span, AttributeSet a)
    {
        if ((a.Text(A.McpServerName) ?? a.Text(A.McpServer)) is { } name)
        {
            return name;
        }

        if (span.Kind == OtlpSpanKind.Server && a.Text(A.ServiceName) is { } service)
        {
            return service;
        }

        return a.Text(A.ServerAddress) is { } address
            ? a.Text(A.ServerPort) is { } port ? $"{address}:{port}" : address
            : null;
    }

    private static string? NameAfter(string spanName, string prefix)
    {
        string rest = spanName[prefix.Length..].Trim();
        return rest.Length == 0 ? null : rest;
    }

    private static AssetDraft? DownstreamOf(AttributeSet a)
    {
        if ((a.Text(A.DbSystemName) ?? a.Text(A.DbSystem)) is { } db)
        {
            string? target = a.Text(A.DbNamespace) ?? a.Text(A.DbName) ?? a.Text(A.ServerAddress);
            return Downstream("database", db, target);
        }

        if (a.Text(A.MessagingSystem) is { } messaging)
        {
            return Downstream("messaging", messaging, a.Text(A.MessagingDestinationName) ?? a.Text(A.MessagingDestination));
        }

        if (a.Text(A.RpcSystem) is { } rpc)
        {
            return Downstream("rpc", rpc, a.Text(A.RpcService) ?? a.Text(A.ServerAddress));
        }

        if ((a.Text(A.UrlFull) ?? a.Text(A.HttpUrl)) is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? parsed) && parsed.Host.Length > 0)
        {
            // Host only: paths and query strings carry ids and secrets, and are not the system's identity.
            return Downstream("http", parsed.Host, null);
        }

        return null;
    }

    private static AssetDraft Downstream(string category, string system, string? target) =>
        new AssetDraft(AssetTypes.DownstreamSystem, AssetIds.Downstream(category, system, target), target is null ? system : $"{system} {target}")
            .With("category", category)
            .With("system", AssetIds.Normalise(system))
            .With("target", target);
}

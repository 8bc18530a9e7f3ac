using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Normalisation;

/// <summary>
/// Spans as OpenCITE's OpenTelemetry plugin reads them (LangGuard-AI/open-cite src/open_cite/plugins/opentelemetry.py:
/// _detect_mcp_usage reads mcp.server.name or mcp.server, mcp.tool.name or mcp.tool, mcp.resource.uri or mcp.resource,
/// mcp.server.transport/endpoint/version; models by name with the provider from gen_ai.system of any span naming the
/// model), and the provider a model span inherits from its trace.
/// </summary>
public sealed class OpenCiteSpanTests
{
    private static TraceAssetExtractor NewExtractor() => new(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System));

    [Fact]
    public void Extract_McpServerAndToolWithoutMethod_BecomeMcpServerAndMcpTool()
    {
        TraceExtraction x = NewExtractor().Extract("t", Spans.Decode("svc",
            Spans.Make(1, 1, 0, "mcp call", ("mcp.server.name", "GitHub"), ("mcp.tool.name", "create_issue"),
                ("mcp.server.transport", "http"), ("mcp.server.endpoint", "https://mcp.example.com/github?token=secret"), ("mcp.server.version", "1.2"))));

        Assert.Equal(["mcp_server:github", "mcp_tool:github/create_issue"], x.Assets.Select(a => $"{a.Type}:{a.Id}").Order());
        DiscoveredAsset server = x.Assets.Single(a => a.Type == "mcp_server");
        Assert.Equal("http", server.Attributes["transport"]!.GetValue<string>());
        Assert.Equal("1.2", server.Attributes["version"]!.GetValue<string>());
        Assert.Equal("https://mcp.example.com/github", server.Attributes["url"]!.GetValue<string>());
        Assert.Contains(x.Edges, e => e is { SourceType: "mcp_server", SourceId: "github", Relationship: "contains", TargetType: "mcp_tool", TargetId: "github/create_issue" });
        Assert.Equal(1, x.Usage[new("mcp_tool", "github/create_issue")].Invocations);
    }

    [Fact]
    public void Extract_OpenCiteShortKeys_ResourceAndServerOnly()
    {
        TraceExtraction x = NewExtractor().Extract("t", Spans.Decode("svc",
            Spans.Make(1, 1, 0, "mcp read", ("mcp.server", "files"), ("mcp.resource", "file:///etc/motd")),
            Spans.Make(1, 2, 0, "mcp tool", ("mcp.server", "files"), ("mcp.tool", "list_dir")),
            Spans.Make(2, 1, 0, "mcp connect", ("mcp.server.name", "search")),
            Spans.Make(3, 1, 0, "plain tool", ("gen_ai.tool.name", "calculator"))));

        Assert.Equal(
            ["mcp_resource:files/file:%2F%2F%2Fetc%2Fmotd", "mcp_server:files", "mcp_server:search", "mcp_tool:files/list_dir", "tool:calculator"],
            x.Assets.Select(a => $"{a.Type}:{a.Id}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Extract_ChildWithoutProvider_InheritsTheTraceProviderInTheSameRequest()
    {
        TraceExtraction x = NewExtractor().Extract("t", Spans.Decode("svc",
            Spans.Make(1, 1, 0, "invoke_agent", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "planner"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")),
            Spans.Make(1, 2, 1, "chat gpt-4o", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", 50L)),
            // Another model in the same trace, no provider anywhere for it: the trace's only provider.
            Spans.Make(1, 3, 1, "embeddings", ("gen_ai.operation.name", "embeddings"), ("gen_ai.request.model", "text-embedding-3-small"))));

        Assert.Equal(["openai/gpt-4o", "openai/text-embedding-3-small"], x.Assets.Where(a => a.Type == "model").Select(a => a.Id).Order());
        Assert.DoesNotContain(x.Assets, a => a.Id.StartsWith("unknown/", StringComparison.Ordinal));
        Assert.False(x.Assets.Single(a => a.Id == "openai/gpt-4o").Attributes.ContainsKey("inferred"));
        Assert.Equal(50, x.Usage[new("model", "openai/gpt-4o")].InputTokens);
        Assert.Contains(x.Edges, e => e is { SourceId: "planner", Relationship: "uses_model", TargetId: "openai/gpt-4o" });
    }

    [Fact]
    public void Extract_ChildWithoutProvider_InheritsFromAnEarlierRequestOfItsTrace()
    {
        TraceAssetExtractor extractor = NewExtractor();
        extractor.Extract("t", Spans.Decode("svc", Spans.Make(9, 1, 0, "chat", ("gen_ai.system", "anthropic"), ("gen_ai.request.model", "claude-sonnet-4"))));

        TraceExtraction later = extractor.Extract("t", Spans.Decode("svc", Spans.Make(9, 2, 1, "chat", ("gen_ai.request.model", "claude-sonnet-4"))));
        TraceExtraction otherTenant = extractor.Extract("u", Spans.Decode("svc", Spans.Make(9, 2, 1, "chat", ("gen_ai.request.model", "claude-sonnet-4"))));

        Assert.Equal("anthropic/claude-sonnet-4", Assert.Single(later.Assets).Id);
        Assert.Equal("unknown/claude-sonnet-4", Assert.Single(otherTenant.Assets).Id);
    }

    [Fact]
    public void Extract_TraceWithSeveralProviders_TakesTheModelsOwnOrStaysUnknown()
    {
        TraceExtraction x = NewExtractor().Extract("t", Spans.Decode("svc",
            Spans.Make(1, 1, 0, "chat", ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")),
            Spans.Make(1, 2, 0, "chat", ("gen_ai.system", "azure.ai.openai"), ("gen_ai.request.model", "gpt-4o-mini")),
            Spans.Make(1, 3, 0, "chat", ("gen_ai.request.model", "gpt-4o-mini")),
            Spans.Make(1, 4, 0, "chat", ("gen_ai.request.model", "o3")),
            // A span of another trace inherits nothing from this one.
            Spans.Make(2, 1, 0, "chat", ("gen_ai.request.model", "gpt-4o"))));

        Assert.Equal(
            ["azure.ai.openai/gpt-4o-mini", "openai/gpt-4o", "unknown/gpt-4o", "unknown/o3"],
            x.Assets.Select(a => a.Id).Order(StringComparer.Ordinal));
        Assert.Equal(2, x.Usage[new("model", "azure.ai.openai/gpt-4o-mini")].Invocations);
    }

    [Fact]
    public void Extract_CloudflareGatewayProviderAttribute_IsTheProvider()
    {
        TraceExtraction x = NewExtractor().Extract("t", Spans.Decode("gateway",
            Spans.Make(1, 1, 0, "gateway", ("gen_ai.request.model", "gpt-4"), ("gen_ai.model.provider", "openai"))));

        Assert.Equal("openai/gpt-4", Assert.Single(x.Assets).Id);
    }
}

using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Normalisation;

public sealed class GenAiNormaliserTests
{
    private static TraceExtraction Extract(params ServerlessDiscovery.Otlp.Protocol.Trace.Span[] spans) =>
        new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System)).Extract("t", Spans.Decode("svc", spans));

    [Fact]
    public void Extract_CurrentConventions_ModelByProviderWithTokens()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "chat", ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "GPT-4o"), ("gen_ai.usage.input_tokens", 10L), ("gen_ai.usage.output_tokens", 5L)),
            Spans.Make(1, 2, 0, "chat", ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "azure.ai.openai"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", 1L)),
            Spans.Make(1, 3, 0, "chat", ("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.usage.input_tokens", 2L)));

        Assert.Equal(["azure.ai.openai/gpt-4o", "openai/gpt-4o"], x.Assets.Select(a => a.Id).Order());
        Assert.All(x.Assets, a => Assert.Equal("model", a.Type));
        Assert.Empty(x.Edges);
        Assert.DoesNotContain(x.Assets, a => a.Type == "agent");
        AssetUsage openai = x.Usage[new("model", "openai/gpt-4o")];
        Assert.Equal((2, 12, 5), (openai.Invocations, openai.InputTokens, openai.OutputTokens));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_001), openai.LastInvoked);
    }

    [Fact]
    public void Extract_OlderConventions_GenAiSystemAliasAndPromptTokens()
    {
        TraceExtraction x = Extract(Spans.Make(1, 1, 0, "chat", ("gen_ai.system", "az.ai.openai"), ("gen_ai.response.model", "gpt-4o"), ("gen_ai.usage.prompt_tokens", 3L), ("gen_ai.usage.completion_tokens", 4L)));

        DiscoveredAsset model = Assert.Single(x.Assets);
        Assert.Equal("azure.ai.openai/gpt-4o", model.Id);
        Assert.Equal("azure.ai.openai", model.Attributes["provider"]!.GetValue<string>());
        Assert.Equal((3, 4), (x.Usage[new("model", model.Id)].InputTokens, x.Usage[new("model", model.Id)].OutputTokens));
    }

    [Fact]
    public void Extract_OpenCiteAndOpenLlmetryKeys_AgentUsesModelAndTool()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "llm", ("llm.model", "claude-3"), ("llm.provider", "anthropic"), ("agent_name", "Planner"), ("llm.usage.prompt_tokens", 9L)),
            Spans.Make(1, 2, 0, "weather.tool", ("traceloop.span.kind", "tool"), ("traceloop.entity.name", "get_weather"), ("agent_name", "Planner")));

        Assert.Contains(x.Edges, e => e is { SourceId: "planner", Relationship: "uses_model", TargetId: "anthropic/claude-3" });
        Assert.Contains(x.Edges, e => e is { SourceId: "planner", Relationship: "uses_tool", TargetType: "tool", TargetId: "get_weather" });
        Assert.Equal(9, x.Usage[new("model", "anthropic/claude-3")].InputTokens);
    }

    [Fact]
    public void Extract_OpenInference_ToolAndModel()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "agent", ("openinference.span.kind", "AGENT"), ("agent.name", "Researcher")),
            Spans.Make(1, 2, 1, "llm", ("openinference.span.kind", "LLM"), ("llm.model_name", "gemini-1.5"), ("llm.system", "vertex_ai"), ("llm.token_count.prompt", 8L)),
            Spans.Make(1, 3, 1, "tool", ("openinference.span.kind", "TOOL"), ("tool.name", "search")));

        Assert.Contains(x.Edges, e => e is { SourceId: "researcher", Relationship: "uses_model", TargetId: "gcp.vertex_ai/gemini-1.5" });
        Assert.Contains(x.Edges, e => e is { SourceId: "researcher", Relationship: "uses_tool", TargetId: "search" });
        Assert.Equal(1, x.Usage[new("agent", "researcher")].Invocations);
    }

    [Fact]
    public void Extract_AgentSpanWithAggregatedTokens_DoesNotCountTokensTwice()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "invoke_agent", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "A"), ("gen_ai.agent.id", "asst_1"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.provider.name", "openai"), ("gen_ai.usage.input_tokens", 100L)),
            Spans.Make(1, 2, 1, "chat", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o"), ("gen_ai.provider.name", "openai"), ("gen_ai.usage.input_tokens", 100L)));

        Assert.Equal((1, 100), (x.Usage[new("model", "openai/gpt-4o")].Invocations, x.Usage[new("model", "openai/gpt-4o")].InputTokens));
        Assert.Equal("asst_1", x.Assets.Single(a => a.Type == "agent").Attributes["agent_id"]!.GetValue<string>());
        Assert.Single(x.Edges);
    }

    [Fact]
    public void Extract_McpToolsCall_ServerContainsToolKeyedByServer()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "tools/call get_weather", ("mcp.method.name", "tools/call"), ("server.address", "mcp.example.com"), ("server.port", 443L)),
            Spans.Make(1, 2, 0, "tools/call get_weather", ("mcp.method.name", "tools/call"), ("gen_ai.tool.name", "get_weather"), ("mcp.server.name", "Other")),
            Spans.Make(1, 3, 0, "resources/read", ("mcp.method.name", "resources/read"), ("mcp.resource.uri", "file:///a/b.txt"), ("mcp.server.name", "Other")));

        Assert.Contains(x.Assets, a => a is { Type: "mcp_tool", Id: "mcp.example.com:443/get_weather" });
        Assert.Contains(x.Assets, a => a is { Type: "mcp_tool", Id: "other/get_weather" });
        Assert.Contains(x.Assets, a => a is { Type: "mcp_resource", Id: "other/file:%2F%2F%2Fa%2Fb.txt" });
        Assert.Contains(x.Edges, e => e is { SourceType: "mcp_server", SourceId: "other", Relationship: "contains", TargetType: "mcp_tool", TargetId: "other/get_weather" });
    }

    [Fact]
    public void Extract_DownstreamSystems_DbHttpMessagingRpc()
    {
        TraceExtraction x = Extract(
            Spans.Make(1, 1, 0, "SELECT", ("db.system.name", "postgresql"), ("db.namespace", "orders")),
            Spans.Make(1, 2, 0, "SELECT", ("db.system", "PostgreSQL"), ("db.name", "Orders")),
            Spans.Make(1, 3, 0, "GET", ("url.full", "https://api.example.com/v1/x?token=secret")),
            Spans.Make(1, 4, 0, "GET", ("http.url", "https://API.example.com/other")),
            Spans.Make(1, 5, 0, "publish", ("messaging.system", "kafka"), ("messaging.destination.name", "events")),
            Spans.Make(1, 6, 0, "call", ("rpc.system", "grpc"), ("rpc.service", "shop.Cart")));

        Assert.Equal(["database/postgresql/orders", "http/api.example.com", "messaging/kafka/events", "rpc/grpc/shop.cart"], x.Assets.Select(a => a.Id).Order());
        Assert.DoesNotContain(x.Assets, a => a.Attributes.ToJsonString().Contains("secret", StringComparison.Ordinal));
    }
}

using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Normalisation;

/// <summary>The resolution hints a span gives its assets, and the callers its usage records.</summary>
public sealed class RouteHintsTests
{
    private static TraceExtraction Extract(params ServerlessDiscovery.Otlp.Protocol.Trace.Span[] spans) =>
        new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System)).Extract("t", Spans.Decode("checkout", spans));

    [Fact]
    public void Extract_SageMakerInvocationUrl_EndpointBecomesTheModel()
    {
        TraceExtraction x = Extract(Spans.Make(1, 1, 0, "POST", ("http.request.method", "POST"),
            ("url.full", "https://runtime.sagemaker.eu-west-1.amazonaws.com/endpoints/churn-xgb/invocations?X-Amz-Signature=secret")));

        DiscoveredAsset model = Assert.Single(x.Assets, a => a.Type == "model");
        Assert.Equal("aws.sagemaker/churn-xgb", model.Id);
        Assert.Equal("churn-xgb", model.Attributes["endpoint_name"]!.GetValue<string>());
        Assert.Equal("runtime.sagemaker.eu-west-1.amazonaws.com", model.Attributes["server_address"]!.GetValue<string>());
        Assert.Equal(1, x.Usage[new("model", model.Id)].Invocations);
    }

    [Fact]
    public void Extract_ModelCallWithAddressAndPort_HintsKeepThePortAndNameTheCaller()
    {
        TraceExtraction x = Extract(Spans.Make(1, 1, 0, "chat team-gpt", ("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "team-gpt"),
            ("gen_ai.response.model", "gpt-4o-2024-08-06"), ("server.address", "LiteLLM.internal"), ("server.port", 4000L), ("gen_ai.agent.name", "triage")));

        DiscoveredAsset model = Assert.Single(x.Assets, a => a.Type == "model");
        Assert.Equal("litellm.internal:4000", model.Attributes["server_address"]!.GetValue<string>());
        Assert.Equal("gpt-4o-2024-08-06", model.Attributes["response_model"]!.GetValue<string>());
        Assert.Equal("provider", model.Attributes["inferred"]!.GetValue<string>());
        Assert.Equal(["agent:triage", "service:checkout"], x.Usage[new("model", model.Id)].Callers);
    }

    [Fact]
    public void Extract_McpClientSpanWithUrl_UrlKeptWithoutQueryOrUserInfo()
    {
        TraceExtraction x = Extract(Spans.Make(1, 1, 0, "tools/call search", ("mcp.method.name", "tools/call"), ("gen_ai.tool.name", "search"),
            ("url.full", "https://user:pw@tools.example.com/mcp/?token=abc"), ("server.address", "tools.example.com"), ("server.port", 443L)));

        DiscoveredAsset server = Assert.Single(x.Assets, a => a.Type == "mcp_server");
        Assert.Equal("https://tools.example.com/mcp", server.Attributes["url"]!.GetValue<string>());
        Assert.Equal("tools.example.com", server.Attributes["server_address"]!.GetValue<string>());
        Assert.DoesNotContain("abc", server.Attributes.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("pw", server.Attributes.ToJsonString(), StringComparison.Ordinal);
    }
}

using ServerlessDiscovery.Plugins.OpenTelemetry.Attribution;
using ServerlessDiscovery.Plugins.OpenTelemetry.Normalisation;

namespace ServerlessDiscovery.Plugins.OpenTelemetry.Tests.Normalisation;

/// <summary>One trace identity called on several routes in one batch: its usage is kept per route, adding up to its total.</summary>
public sealed class AssetRouteTests
{
    private static TraceExtraction Extract(params ServerlessDiscovery.Otlp.Protocol.Trace.Span[] spans) =>
        new TraceAssetExtractor(new TraceAttributor(new TraceAttributorOptions(), TimeProvider.System)).Extract("t", Spans.Decode("checkout", spans));

    private static ServerlessDiscovery.Otlp.Protocol.Trace.Span Chat(ulong span, string host, long input) =>
        Spans.Make(1, span, 0, "chat gpt-4o", ("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o"),
            ("server.address", host), ("gen_ai.usage.input_tokens", input));

    [Fact]
    public void Extract_SameDeploymentOnTwoAccounts_UsageSplitByRoute_TotalsUnchanged()
    {
        TraceExtraction x = Extract(Chat(1, "acct-a.openai.azure.com", 10), Chat(2, "acct-b.openai.azure.com", 20), Chat(3, "acct-a.openai.azure.com", 10),
            Spans.Make(1, 4, 0, "invoke_agent triage", ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "triage"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")));

        DiscoveredAsset model = Assert.Single(x.Assets, a => a.Type == "model");
        Assert.Equal((3L, 40L), (x.Usage[new("model", model.Id)].Invocations, x.Usage[new("model", model.Id)].InputTokens));
        RoutedUsage[] routes = [.. x.Routes.Where(r => r.Key == new AssetKey("model", model.Id)).OrderBy(r => r.Route.ServerAddress, StringComparer.Ordinal)];
        Assert.Equal(["acct-a.openai.azure.com", "acct-b.openai.azure.com"], routes.Select(r => r.Route.ServerAddress));
        Assert.Equal([(2L, 20L), (1L, 20L)], routes.Select(r => (r.Usage.Invocations, r.Usage.InputTokens)));
    }

    [Fact]
    public void Extract_OneRouteAndCallsWithNoRoute_NoSplit()
    {
        TraceExtraction x = Extract(Chat(1, "acct-a.openai.azure.com", 10),
            Spans.Make(1, 2, 0, "chat gpt-4o", ("gen_ai.operation.name", "chat"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")));

        Assert.Empty(x.Routes);
        Assert.Equal(2, x.Usage[new("model", "openai/gpt-4o")].Invocations);
    }

    [Fact]
    public void Apply_ReplacesRouteAttributes_KeepsTheRest()
    {
        var attributes = new System.Text.Json.Nodes.JsonObject { ["provider"] = "openai", ["server_address"] = "a", ["endpoint_name"] = "e" };

        System.Text.Json.Nodes.JsonObject applied = new AssetRoute("b", null, null, null).Apply(attributes);

        Assert.Equal(new AssetRoute("b", null, null, null), AssetRoute.Of(applied));
        Assert.Equal("openai", (string?)applied["provider"]);
        Assert.Equal("a", (string?)attributes["server_address"]);
    }
}

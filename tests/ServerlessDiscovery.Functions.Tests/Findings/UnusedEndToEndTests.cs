using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Findings;

/// <summary>
/// <c>unused</c> end to end on Azurite, in the real app: the litellm plugin, declared in app settings with
/// <c>Plugins__llm__Traced=true</c>, scans a loopback LiteLLM proxy (LiteLlmProxyFake, after LiteLLM's proxy management
/// API: GET /model/info); with no observed use for <c>Discovery__UnusedAfter</c> (one day, reached by moving the app's
/// clock, not by waiting) each deployment opens an <c>unused</c> finding with its evidence; a chat call to one alias
/// through the proxy, as the OpenAI SDK's instrumentation reports it (gen-ai-spans.md: server.address/port the proxy,
/// gen_ai.request.model the alias), exported by the real OpenTelemetry .NET OTLP exporter, resolves that one; the
/// Opened and Resolved CloudEvents reach a loopback webhook subscriber.
/// </summary>
public sealed class UnusedEndToEndTests
{
    [Fact]
    public async Task DeclaredOnTracedInstance_IdlePastUnusedAfter_OpensUnused_ObservedUseResolvesIt_EventsReachTheWebhook()
    {
        await using LiteLlmProxyFake proxy = await LiteLlmProxyFake.StartAsync(deployments: 2);
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        var clock = new MovableClock();
        Dictionary<string, string?> settings = Webhook.Settings();
        settings["Otlp:FlushInterval"] = "01:00:00";
        settings["Otlp:EarlyDrain"] = "false";
        settings["Discovery:ResolutionIndexTtl"] = "00:00:00";
        settings["Discovery:UnusedAfter"] = "1.00:00:00";
        settings["Plugins:llm:Type"] = "litellm";
        settings["Plugins:llm:Schedule"] = "0 */5 * * * *";
        settings["Plugins:llm:Traced"] = "true";
        foreach ((string key, JsonNode? value) in proxy.Config())
        {
            settings[$"Plugins:llm:Config:{key}"] = (string?)value;
        }

        await using TestApp app = await TestApp.StartAsync(settings, services => services.AddSingleton<TimeProvider>(clock));

        // The app writes instances from its settings in the background at start; do it now, or the subscription can
        // race it and find no instance 'llm'.
        await app.Get<Engine.Instances.InstanceReconciler>().ReconcileAsync();
        await Webhook.SubscribeAsync(app.Client, "llm", new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("ServerlessDiscovery.Finding.*") });
        string address = proxy.Server.BaseAddress.Authority;
        string used = $"{address}/model/dep-00000", idle = $"{address}/model/dep-00001";

        // The scheduled scan declares both deployments; they are new, so nothing is unused yet. Later ticks pass the same
        // schedule time, so they scan nothing and the findings follow the clock and the traces alone.
        DateTimeOffset scheduled = clock.GetUtcNow().AddMinutes(6);
        JsonObject scan = Assert.Single((await TickAsync(app, scheduled))["scans"]!.AsArray())!.AsObject();
        Assert.Equal("succeeded", (string?)scan["status"]);
        Assert.Equal(0, (int)(await FindingsAsync(app, "kind=unused"))["count"]!);

        // A day and a minute later with no call to either: both are unused, with the evidence saying why.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Empty((await TickAsync(app, scheduled))["scans"]!.AsArray());
        JsonArray open = (await FindingsAsync(app, "kind=unused&state=open"))["findings"]!.AsArray();
        Assert.Equal([used, idle], open.Select(f => (string)f!["subject"]!["id"]!).Order(StringComparer.Ordinal));
        JsonObject finding = open.Single(f => (string?)f!["subject"]!["id"] == used)!.AsObject();
        Assert.Equal(("deployment", "llm", "no_observed_use"), ((string?)finding["subject"]!["type"], (string?)finding["subject"]!["instance"], (string?)finding["reason"]));
        JsonObject evidence = finding["evidence"]!.AsObject();
        Assert.Equal(0, (long)evidence["invocations"]!);
        Assert.Equal("P1D", (string?)evidence["unused_after"]);
        Assert.Equal((DateTimeOffset)evidence["first_seen"]!, (DateTimeOffset)evidence["idle_since"]!);
        Assert.Null(evidence["last_invocation"]);
        ChangeEvent opened = await receiver.CloudEventAsync(e => e.Type == ChangeEventTypes.FindingOpened && e.Subject == $"findings/unused/deployment/{used}");
        Assert.Equal("/tenants/default/instances/llm", opened.Source);
        Assert.Equal("open", (string?)opened.Data["finding"]!["state"]);

        // The application calls one alias through the proxy: that deployment has observed use, and its finding resolves.
        Chat(app, proxy, "gateway-0000", clock.GetUtcNow());
        await app.Get<TraceFlusher>().FlushAsync();
        Assert.Equal("both", (string?)(await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/assets/deployment/{used}"))!["provenance"]);
        await TickAsync(app, scheduled);
        JsonObject resolved = Assert.Single((await FindingsAsync(app, "kind=unused&state=resolved"))["findings"]!.AsArray())!.AsObject();
        Assert.Equal(used, (string?)resolved["subject"]!["id"]);
        Assert.NotNull(resolved["resolved_at"]);
        Assert.Equal([idle], (await FindingsAsync(app, "kind=unused&state=open"))["findings"]!.AsArray().Select(f => (string)f!["subject"]!["id"]!));
        ChangeEvent resolvedEvent = await receiver.CloudEventAsync(e => e.Type == ChangeEventTypes.FindingResolved);
        Assert.Equal(opened.Subject, resolvedEvent.Subject);
        Assert.Equal("resolved", (string?)resolvedEvent.Data["finding"]!["state"]);
    }

    private static Task<JsonObject> TickAsync(TestApp app, DateTimeOffset now) => app.Get<DiscoveryScheduler>().TickAsync(now);

    private static async Task<JsonObject> FindingsAsync(TestApp app, string query) =>
        (await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/findings?{query}"))!;

    /// <summary>A chat completion through the proxy at <paramref name="at"/>, as the OpenAI SDK's instrumentation records it, over OTLP/protobuf.</summary>
    private static void Chat(TestApp app, LiteLlmProxyFake proxy, string alias, DateTimeOffset at)
    {
        using var source = new ActivitySource("support-app-" + Guid.NewGuid().ToString("N"));
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("support-app"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(app.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        using (Activity span = source.StartActivity($"chat {alias}", ActivityKind.Client, parentContext: default, startTime: at)!)
        {
            span.SetEndTime(at.UtcDateTime.AddMilliseconds(250));
            span.SetTag("gen_ai.operation.name", "chat");
            span.SetTag("gen_ai.system", "openai");
            span.SetTag("gen_ai.request.model", alias);
            span.SetTag("server.address", proxy.Server.BaseAddress.Host);
            span.SetTag("server.port", proxy.Server.BaseAddress.Port);
            span.SetTag("gen_ai.usage.input_tokens", 12);
            span.SetTag("gen_ai.usage.output_tokens", 3);
        }

        Assert.True(provider.ForceFlush(10_000));
    }

    /// <summary>The system clock moved forward by the test: "now" jumps, while timers and delays keep running in real time.</summary>
    private sealed class MovableClock : TimeProvider
    {
        private long _offsetTicks;

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));
    }
}

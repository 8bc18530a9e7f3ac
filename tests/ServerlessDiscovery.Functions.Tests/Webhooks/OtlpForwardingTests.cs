using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Testing;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Otlp.Decoding;
using ServerlessDiscovery.Otlp.Transcoding;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>IOtlpForwarder: OTLP JSON by default, protobuf on request, large requests split under 1 MB.</summary>
public sealed class OtlpForwardingTests
{
    [Fact]
    public async Task Forward_ProtobufBody_ArrivesAsOtlpJsonByDefault()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url });
        byte[] protobuf = OtlpTranscoder.ToProtobuf(Webhook.OtlpJson(2), OtlpTranscoder.Traces);

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", protobuf, isProtobuf: true, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        var request = Assert.Single(receiver.Received).Request;
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        JsonNode span = JsonNode.Parse(request.Body)!["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!;
        Assert.Equal("5b8efff798038103d269b633813fc60c", span["traceId"]!.GetValue<string>());
        Assert.Equal("0000000000001000", span["spanId"]!.GetValue<string>());
        Assert.Equal(3, span["kind"]!.GetValue<int>());
        OtlpTraceBatch decoded = OtlpDecoder.DecodeTraces(request.Body, OtlpEncoding.Json);
        Assert.Equal(["span-0", "span-1"], decoded.Spans.Select(s => s.Name));
        Assert.Equal(0, decoded.RejectedSpans);
    }

    [Fact]
    public async Task Forward_JsonBody_ArrivesAsProtobufWhenTheSubscriptionAsks()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["headers"] = new JsonObject { ["Content-Type"] = "application/x-protobuf" } });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(2), isProtobuf: false, CancellationToken.None);
        await receiver.WhenReceivedAsync(1);

        var request = Assert.Single(receiver.Received).Request;
        Assert.Equal("application/x-protobuf", request.Headers["Content-Type"]);
        OtlpTraceBatch decoded = OtlpDecoder.DecodeTraces(request.Body, OtlpEncoding.Protobuf);
        Assert.Equal(["span-0", "span-1"], decoded.Spans.Select(s => s.Name));
        Assert.Equal("5b8efff798038103d269b633813fc60c", decoded.Spans[0].TraceIdHex);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 4)]
    public async Task Forward_LargeRequest_IsSplitIntoPartsUnder1MB(bool protobuf, int resources)
    {
        const int Spans = 400;
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await Webhook.CreateOtelInstanceAsync(app.Client, "otel");
        var headers = new JsonObject();
        if (protobuf)
        {
            headers["Content-Type"] = "application/x-protobuf";
        }

        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["headers"] = headers });
        byte[] body = Webhook.OtlpJson(Spans, attributeBytes: 10_000, resources: resources);
        Assert.True(body.Length > 3_000_000);

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", body, isProtobuf: false, CancellationToken.None);
        int expectedParts = (await WebhookDeliveryTests.DeliveriesAsync(app, "otel")).Count;
        try
        {
            await receiver.WhenReceivedAsync(expectedParts);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{receiver.Received.Count} of {expectedParts} parts arrived; log:\n{string.Join('\n', app.Logs.Text.Split('\n').Where(l => l.Contains("Webhook", StringComparison.Ordinal)).Take(20))}");
        }

        Assert.True(expectedParts >= 4, $"{body.Length} bytes in {expectedParts} parts");
        Assert.All(receiver.Received, r => Assert.True(r.Request.Body.Length < 1_000_000, $"part of {r.Request.Body.Length} bytes"));
        string[] names = [.. receiver.Received.SelectMany(r => OtlpDecoder.DecodeTraces(r.Request.Body, protobuf ? OtlpEncoding.Protobuf : OtlpEncoding.Json).Spans.Select(s => s.Name))];
        Assert.Equal(Spans, names.Length);
        Assert.Equal(Spans, names.Distinct().Count());
    }

    [Fact]
    public async Task Forward_NoOpenTelemetryInstance_QueuesNothing()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await using EngineApp app = await EngineApp.StartAsync(Webhook.Settings());
        await app.CreateFakeInstanceAsync("fake", ServerlessDiscovery.Testing.FakeSource.Create());
        await Webhook.SubscribeAsync(app.Client, "fake", new JsonObject { ["url"] = receiver.Url });

        await app.App.Get<IOtlpForwarder>().ForwardAsync("default", "traces", Webhook.OtlpJson(1), isProtobuf: false, CancellationToken.None);

        Assert.Empty(await WebhookDeliveryTests.DeliveriesAsync(app, "fake"));
    }
}

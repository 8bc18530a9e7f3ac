using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Functions.Tests.Webhooks;
using ServerlessDiscovery.Plugins.Mcp.Tests.Hosting;
using ServerlessDiscovery.Plugins.Mcp.TestServer;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Plugins.Mcp.Tests;

/// <summary>
/// Declared versus observed, end to end on Azurite: the mcp plugin scans a real MCP server (Streamable HTTP); an
/// application calls tools on it and on a second, unregistered server through the MCP client SDK, inside client spans
/// shaped as the OpenTelemetry MCP semantic conventions (mcp.md: mcp.method.name, gen_ai.tool.name,
/// gen_ai.operation.name execute_tool, server.address, server.port, network.transport) that the OpenTelemetry .NET
/// OTLP exporter sends to the real app. (The MCP C# SDK's own activities carry no server.address, so a collector
/// could not tell the two servers apart from them.)
/// </summary>
public sealed class DeclaredObservedEndToEndTests
{
    [Fact]
    public async Task Traces_DeclaredServerCountsUse_UnregisteredServerIsShadowUntilRegisteredAndScanned()
    {
        await using StreamableHttpTestServer declared = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("weather", 3));
        await using StreamableHttpTestServer unregistered = await StreamableHttpTestServer.StartAsync(TestCatalogue.Numbered("shadow-files", 2));
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        Dictionary<string, string?> settings = Webhook.Settings();
        settings["Otlp:FlushInterval"] = "01:00:00";
        settings["Discovery:ResolutionIndexTtl"] = "00:00:00";
        await using EngineApp app = await EngineApp.StartAsync(settings);
        string declaredId = $"http://127.0.0.1:{declared.Endpoint.Port}/mcp";
        string shadowId = $"127.0.0.1:{unregistered.Endpoint.Port}";

        // Disabled, as the instance the first OTLP request creates: its hourly schedule must not fall due in a scheduled scan below.
        using (HttpResponseMessage otel = await app.Client.PostAsJsonAsync("api/v1/instances", new JsonObject { ["plugin_type"] = "opentelemetry", ["instance_id"] = "otel", ["enabled"] = false, ["config"] = new JsonObject() }))
        {
            Assert.Equal(System.Net.HttpStatusCode.Created, otel.StatusCode);
        }

        await Webhook.SubscribeAsync(app.Client, "otel", new JsonObject { ["url"] = receiver.Url, ["events"] = new JsonArray("ServerlessDiscovery.Finding.*") });
        await app.CreateInstanceAsync("mcp", "weather", new JsonObject { ["transport"] = "streamable_http", ["url"] = declared.Endpoint.ToString() });
        await SetTracedAsync(app, "weather");
        await app.ScheduledScanAsync("weather");

        await CallToolsAsync(app, declared, ["tool_01", "tool_01", "tool_02"]);
        await CallToolsAsync(app, unregistered, ["tool_01"]);
        await app.App.Get<TraceFlusher>().FlushAsync();
        await TickAsync(app);

        // The declared server's tools carry the use, with both provenances; no trace-derived duplicate of them exists.
        JsonObject tool = await app.GetAssetAsync(AssetTypes.McpTool, $"{declaredId}#tool:tool_01");
        Assert.Equal("both", (string?)tool["provenance"]);
        Assert.Equal(2, (long)tool["observed"]!["invocations"]!);
        Assert.Equal(["weather-app"], tool["observed"]!["services"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(1, (long)(await app.GetAssetAsync(AssetTypes.McpTool, $"{declaredId}#tool:tool_02"))["observed"]!["invocations"]!);
        Assert.Equal("declared", (string?)(await app.GetAssetAsync(AssetTypes.McpTool, $"{declaredId}#tool:tool_03"))["provenance"]);
        Assert.Equal("both", (string?)(await app.GetAssetAsync(AssetTypes.McpServer, declaredId))["provenance"]);
        JsonObject observedOnly = (await app.Client.GetFromJsonAsync<JsonObject>("api/v1/mcp/servers?provenance=observed"))!;
        Assert.Equal([shadowId], observedOnly["servers"]!.AsArray().Select(s => (string)s!["id"]!));

        // The unregistered server is shadow AI: observed, declared nowhere, on a source type the tenant scans.
        JsonObject shadow = Assert.Single((await FindingsAsync(app, "kind=shadow&state=open"))["findings"]!.AsArray())!.AsObject();
        Assert.Equal(shadowId, (string?)shadow["subject"]!["id"]);
        Assert.Equal("undeclared", (string?)shadow["reason"]);
        Assert.Equal(["weather-app"], shadow["evidence"]!["services"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(1, (long)shadow["evidence"]!["invocations"]!);
        Assert.Contains($"127.0.0.1:{unregistered.Endpoint.Port}", shadow["evidence"]!["hosts"]!.AsArray().Select(h => (string)h!));
        ChangeEvent opened = await EventAsync(receiver, ChangeEventTypes.FindingOpened);
        Assert.Equal($"findings/shadow/mcp_server/{shadowId}", opened.Subject);
        Assert.Equal("/tenants/default/instances/otel", opened.Source);

        // Registered and scanned, the server is declared: the finding resolves by itself and says so to the subscriber.
        await app.CreateInstanceAsync("mcp", "files", new JsonObject { ["transport"] = "streamable_http", ["url"] = unregistered.Endpoint.ToString() });
        await app.ScheduledScanAsync("files");

        Assert.Empty((await FindingsAsync(app, "state=open"))["findings"]!.AsArray());
        JsonObject resolved = Assert.Single((await FindingsAsync(app, "kind=shadow&state=resolved"))["findings"]!.AsArray())!.AsObject();
        Assert.NotNull(resolved["resolved_at"]);
        ChangeEvent resolvedEvent = await EventAsync(receiver, ChangeEventTypes.FindingResolved);
        Assert.Equal(opened.Subject, resolvedEvent.Subject);
        Assert.Equal("resolved", (string?)resolvedEvent.Data["finding"]!["state"]);

        // Later calls to it count on the declared server, not on the trace-derived one.
        await CallToolsAsync(app, unregistered, ["tool_02"]);
        await app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject registered = await app.GetAssetAsync(AssetTypes.McpTool, $"http://127.0.0.1:{unregistered.Endpoint.Port}/mcp#tool:tool_02");
        Assert.Equal("both", (string?)registered["provenance"]);
        Assert.Equal(1, (long)registered["observed"]!["invocations"]!);
    }

    private static async Task SetTracedAsync(EngineApp app, string instance)
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, $"api/v1/instances/{instance}") { Content = JsonContent.Create(new JsonObject { ["traced"] = true }) };
        using HttpResponseMessage response = await app.Client.SendAsync(put);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.True((bool)JsonNode.Parse(body)!["instance"]!["traced"]!);
    }

    /// <summary>Calls the tools over MCP, each inside an MCP client span (mcp.md) exported over OTLP/protobuf.</summary>
    private static async Task CallToolsAsync(EngineApp app, StreamableHttpTestServer server, string[] tools)
    {
        using var source = new ActivitySource("weather-app-" + Guid.NewGuid().ToString("N"));
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("weather-app"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build();
        await using McpClient client = await McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions { Endpoint = server.Endpoint }));
        foreach (string tool in tools)
        {
            using Activity span = source.StartActivity($"tools/call {tool}", ActivityKind.Client)!;
            span.SetTag("mcp.method.name", "tools/call");
            span.SetTag("gen_ai.operation.name", "execute_tool");
            span.SetTag("gen_ai.tool.name", tool);
            span.SetTag("server.address", server.Endpoint.Host);
            span.SetTag("server.port", server.Endpoint.Port);
            span.SetTag("network.transport", "tcp");
            span.SetTag("mcp.session.id", client.SessionId);
            await client.CallToolAsync(tool);
        }

        Assert.True(provider.ForceFlush(10_000));
    }

    private static async Task TickAsync(EngineApp app) => await app.App.Get<DiscoveryScheduler>().TickAsync(DateTimeOffset.UtcNow);

    private static async Task<JsonObject> FindingsAsync(EngineApp app, string query) =>
        (await app.Client.GetFromJsonAsync<JsonObject>($"api/v1/findings?{query}"))!;

    /// <summary>Waits, request by request, until the receiver has been sent a CloudEvents batch holding an event of the type.</summary>
    private static async Task<ChangeEvent> EventAsync(WebhookReceiver receiver, string type)
    {
        for (int seen = 1; ; seen++)
        {
            await receiver.WhenReceivedAsync(seen);
            foreach ((RecordedRequest request, _) in receiver.Received.Take(seen))
            {
                if (request.Headers.TryGetValue("Content-Type", out string? contentType) && contentType.StartsWith("application/cloudevents-batch+json", StringComparison.Ordinal))
                {
                    foreach (JsonNode? e in JsonNode.Parse(request.Body)!.AsArray())
                    {
                        ChangeEvent change = ChangeEvent.FromCloudEventJson(e!.AsObject());
                        if (change.Type == type)
                        {
                            return change;
                        }
                    }
                }
            }
        }
    }
}

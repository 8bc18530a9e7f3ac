using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ServerlessDiscovery.Engine.Otlp;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.OpenCite;

/// <summary>
/// What OpenCITE's own OTLP artefacts send (LangGuard-AI/open-cite: tests/fixtures/send_test_trace.py,
/// tests/fixtures/sample_logs_payload.json, the MCP and provider handling of src/open_cite/plugins/opentelemetry.py),
/// re-created here as test data, sent over HTTP to the real app on Azurite; and a newly seen asset listed within 2 s
/// with the real OpenTelemetry .NET exporter.
/// </summary>
public sealed class OpenCiteTraceTests : IAsyncLifetime
{
    /// <summary>The longest a newly seen asset may take to be listed after the request that revealed it was answered.</summary>
    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(2);

    private EngineApp _app = null!;

    // An hour between periodic drains: whatever is listed sooner was listed by an early drain.
    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?> { ["Otlp:FlushInterval"] = "01:00:00" });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    /// <summary>tests/fixtures/send_test_trace.py with its defaults (tool test-tool, model openai/gpt-4) and --count 2: one request per call, ids of 8 and 5 bytes.</summary>
    [Fact]
    public async Task SendTestTrace_IdsOfNonStandardLength_AcceptedWithAWarning_AndTheModelListed()
    {
        using HttpClient tenant = OtlpClient("oc-send-test-trace");
        var replies = new List<JsonObject>();
        for (int i = 0; i < 2; i++)
        {
            using HttpResponseMessage response = await tenant.PostAsync("v1/traces", SendTestTrace(i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            replies.Add(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
        }

        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject model = await AssetAsync(tenant, "model", "openrouter/openai%252Fgpt-4");

        Assert.All(replies, reply =>
        {
            Assert.Equal("0", reply["partialSuccess"]!["rejectedSpans"]!.GetValue<string>());
            Assert.Contains("trace_id of 8 bytes", reply["partialSuccess"]!["errorMessage"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Equal("openai/gpt-4", model["name"]!.GetValue<string>());
        Assert.Equal(2, model["usage"]!["invocations"]!.GetValue<long>());
    }

    [Fact]
    public async Task UndecodableIds_OnEverySpan_Answer400NamingTheField_AndNothingIsStored()
    {
        using HttpClient tenant = OtlpClient("oc-undecodable");
        string body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[
              {"traceId":"not-hex-at-all!","spanId":"eee19b7ec3c1b174","name":"chat","attributes":[
                {"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}]}]}]}]}
            """;

        using HttpResponseMessage response = await tenant.PostAsync("v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        await _app.App.Get<TraceFlusher>().FlushAsync();
        using HttpResponseMessage missing = await tenant.GetAsync("api/v1/assets/model/openai/gpt-4o");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("undecodable trace_id", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    /// <summary>tests/fixtures/sample_logs_payload.json: Claude Code's events as OTLP logs (six records, no trace ids).</summary>
    [Fact]
    public async Task SampleLogsPayload_ClaudeCodeLogs_BecomeTheAgentItsModelAndItsTool()
    {
        using HttpClient tenant = OtlpClient("oc-logs");

        using HttpResponseMessage response = await tenant.PostAsync("v1/logs", new StringContent(SampleLogsPayload, Encoding.UTF8, "application/json"));
        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject agent = await AssetAsync(tenant, "agent", "claude-code");
        JsonObject model = await AssetAsync(tenant, "model", "anthropic/claude-3.5-sonnet");
        JsonObject bash = await AssetAsync(tenant, "tool", "bash");
        JsonObject lineage = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/lineage?source_id=claude-code"))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, agent["usage"]!["invocations"]!.GetValue<long>());
        Assert.Equal(1, model["usage"]!["invocations"]!.GetValue<long>());
        Assert.Equal(120, model["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(80, model["usage"]!["output_tokens"]!.GetValue<long>());
        Assert.Equal(1, bash["usage"]!["invocations"]!.GetValue<long>());
        Assert.Contains(lineage["relationships"]!.AsArray(), r => r!["relationship"]!.GetValue<string>() == "uses_model" && r["target_id"]!.GetValue<string>() == "anthropic/claude-3.5-sonnet");
        Assert.Contains(lineage["relationships"]!.AsArray(), r => r!["relationship"]!.GetValue<string>() == "uses_tool" && r["target_id"]!.GetValue<string>() == "bash");
    }

    /// <summary>OpenCITE's MCP form (opentelemetry.py _detect_mcp_usage): mcp.server.name and mcp.tool.name, no mcp.method.name.</summary>
    [Fact]
    public async Task McpSpanInOpenCitesForm_BecomesAnMcpServerAndAnMcpTool_NotAPlainTool()
    {
        using HttpClient tenant = OtlpClient("oc-mcp");
        using HttpResponseMessage response = await tenant.PostAsync("v1/traces", Otlp.OtlpRequests.Body([
            Otlp.OtlpRequests.Span("mcp call", [("mcp.server.name", "filesystem"), ("mcp.tool.name", "read_file"), ("mcp.server.transport", "stdio")]),
        ]));

        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject server = await AssetAsync(tenant, "mcp_server", "filesystem");
        JsonObject tool = await AssetAsync(tenant, "mcp_tool", "filesystem/read_file");
        using HttpResponseMessage plain = await tenant.GetAsync("api/v1/assets/tool/read_file");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("stdio", server["attributes"]!["transport"]!.GetValue<string>());
        Assert.Equal(1, tool["usage"]!["invocations"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, plain.StatusCode);
    }

    /// <summary>A root naming gen_ai.system and a child that does not, in two requests (a batching exporter's boundary between them).</summary>
    [Fact]
    public async Task ChildSpanWithoutProvider_InALaterRequest_TakesItsTracesProvider_NoUnknownModel()
    {
        using HttpClient tenant = OtlpClient("oc-provider");
        string trace = Guid.NewGuid().ToString("N");
        string root = Guid.NewGuid().ToString("N")[..16];
        using HttpResponseMessage first = await tenant.PostAsync("v1/traces", Otlp.OtlpRequests.Body([
            Otlp.OtlpRequests.Span("invoke_agent", [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.name", "writer"), ("gen_ai.system", "openai"), ("gen_ai.request.model", "gpt-4o")], traceId: trace, spanId: root),
        ]));
        using HttpResponseMessage second = await tenant.PostAsync("v1/traces", Otlp.OtlpRequests.Body([
            Otlp.OtlpRequests.Span("chat gpt-4o", [("gen_ai.operation.name", "chat"), ("gen_ai.request.model", "gpt-4o")], inputTokens: 42, traceId: trace, parentSpanId: root),
        ]));

        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject model = await AssetAsync(tenant, "model", "openai/gpt-4o");
        using HttpResponseMessage unknown = await tenant.GetAsync("api/v1/assets/model/unknown/gpt-4o");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(42, model["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task NewAsset_FromTheRealExporter_IsListedWithinTwoSeconds_WhileKnownAssetsCountersWaitForTheDrain()
    {
        string model = "m-" + Guid.NewGuid().ToString("N")[..8];
        using HttpClient tenant = OtlpClient("oc-early");
        using var source = new ActivitySource("early-" + Guid.NewGuid().ToString("N"));
        using TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("early-app"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = "X-Tenant-Id=oc-early";
            })
            .Build();

        void Call()
        {
            using Activity chat = source.StartActivity("chat " + model, ActivityKind.Client)!;
            chat.SetTag("gen_ai.operation.name", "chat");
            chat.SetTag("gen_ai.provider.name", "openai");
            chat.SetTag("gen_ai.request.model", model);
        }

        Call();
        Assert.True(provider.ForceFlush(10_000));
        var answered = Stopwatch.StartNew();
        JsonObject? listed = null;
        while (listed is null && answered.Elapsed < ListedWithin)
        {
            using HttpResponseMessage read = await tenant.GetAsync($"api/v1/assets/model/openai/{model}");
            listed = read.StatusCode == HttpStatusCode.OK ? (await read.Content.ReadFromJsonAsync<JsonObject>())! : null;
            if (listed is null)
            {
                await Task.Delay(50); // polling pace; the deadline above decides
            }
        }

        TimeSpan took = answered.Elapsed;
        Assert.True(listed is not null, $"openai/{model} was not listed within {ListedWithin.TotalSeconds} s of the exporter's request (Otlp__FlushInterval is an hour).");

        // The same model again: nothing new, so no early drain; its counter waits for the next drain. (Waiting for the
        // early drain to end first: a drain takes whatever the journal holds when it passes, late rows included.)
        await _app.App.Get<TraceFlusher>().FlushAsync();
        Call();
        Assert.True(provider.ForceFlush(10_000));
        int writes = await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject counted = await AssetAsync(tenant, "model", $"openai/{model}");

        Assert.Equal(1, listed!["usage"]!["invocations"]!.GetValue<long>());
        Assert.True(writes > 0, $"the second call's counter was drained early (listed after {took.TotalMilliseconds:0} ms)");
        Assert.Equal(2, counted["usage"]!["invocations"]!.GetValue<long>());
    }

    private HttpClient OtlpClient(string tenant) => Otlp.OtlpRequests.Client(_app.App.BaseAddress, tenant);

    private static async Task<JsonObject> AssetAsync(HttpClient tenant, string type, string id)
    {
        using HttpResponseMessage response = await tenant.GetAsync($"api/v1/assets/{type}/{id}");
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{type} {id}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>send_test_trace.py's request for call i: traceId "abc123def456" + i as 4 digits, spanId "123456" + i as 4 digits.</summary>
    private static StringContent SendTestTrace(int i)
    {
        JsonObject Attr(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };
        var body = new JsonObject
        {
            ["resourceSpans"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attr("service.name", "test-tool"), Attr("service.version", "1.0.0")) },
                ["scopeSpans"] = new JsonArray(new JsonObject
                {
                    ["scope"] = new JsonObject { ["name"] = "openai", ["version"] = "1.0.0" },
                    ["spans"] = new JsonArray(new JsonObject
                    {
                        ["traceId"] = $"abc123def456{i:D4}",
                        ["spanId"] = $"123456{i:D4}",
                        ["name"] = "chat.completions",
                        ["kind"] = "SPAN_KIND_CLIENT",
                        ["startTimeUnixNano"] = (1700000000000000000L + i * 1000000000L).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["endTimeUnixNano"] = (1700000000000000000L + i * 1000000000L + 500000000L).ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["attributes"] = new JsonArray(
                            Attr("gen_ai.request.model", "openai/gpt-4"),
                            Attr("gen_ai.system", "openrouter"),
                            Attr("gen_ai.request.type", "chat"),
                            Attr("http.method", "POST"),
                            Attr("http.url", "https://openrouter.ai/api/v1/chat/completions"),
                            new JsonObject { ["key"] = "http.status_code", ["value"] = new JsonObject { ["intValue"] = "200" } }),
                        ["status"] = new JsonObject { ["code"] = "STATUS_CODE_OK" },
                    }),
                }),
            }),
        };
        return new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    /// <summary>The content of tests/fixtures/sample_logs_payload.json: a Claude Code session's six events.</summary>
    private static string SampleLogsPayload => new JsonObject
    {
        ["resourceLogs"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = Attributes(("service.name", "claude-code"), ("session.id", "claude-logs-session-001"), ("user.id", "developer-123")) },
            ["scopeLogs"] = new JsonArray(new JsonObject
            {
                ["scope"] = new JsonObject { ["name"] = "@anthropic/claude-code", ["version"] = "1.0.0" },
                ["logRecords"] = new JsonArray(
                    Record("1700000000000000000", 9, "1111111111111111", [("prompt", "Fix failing tests")], ("event.name", "user_prompt"), ("session.id", "claude-logs-session-001"), ("prompt", "Fix failing tests")),
                    Record("1700000000500000000", 9, "2222222222222222", null, ("event.name", "api_request"), ("model", "claude-3.5-sonnet"), ("provider", "anthropic"), ("input_tokens", 120L), ("output_tokens", 0L), ("cost_usd", 0.012)),
                    Record("1700000001000000000", 9, "3333333333333333", [("result", "All tests passed after fix")], ("event.name", "claude_code.api_response"), ("model", "claude-3.5-sonnet"), ("output_tokens", 80L), ("cost_usd", 0.018)),
                    Record("1700000001200000000", 9, "4444444444444444", [("bash_command", "npm test"), ("full_command", "npm test --watch=false")], ("event.name", "tool_use"), ("tool_name", "Bash"), ("tool_parameters", "{\"bash_command\":\"npm test\",\"full_command\":\"npm test --watch=false\"}")),
                    Record("1700000001300000000", 9, "5555555555555555", null, ("event.name", "tool_decision"), ("tool_name", "Bash"), ("decision", "approve"), ("success", true)),
                    Record("1700000001500000000", 17, "6666666666666666", [("result", "2 tests failed"), ("error", "exit status 1")], ("event.name", "tool_result"), ("tool_name", "Bash"), ("success", false), ("retry_attempt", 2L), ("input_tokens", 5L), ("output_tokens", 2L), ("cost_usd", 0.001))),
            }),
        }),
    }.ToJsonString();

    private static JsonObject Record(string time, int severity, string spanId, (string Key, object Value)[]? body, params (string Key, object Value)[] attributes)
    {
        var record = new JsonObject { ["timeUnixNano"] = time, ["severityNumber"] = severity, ["spanId"] = spanId, ["attributes"] = Attributes(attributes) };
        if (body is not null)
        {
            record["body"] = new JsonObject { ["kvlistValue"] = new JsonObject { ["values"] = Attributes(body) } };
        }

        return record;
    }

    private static JsonArray Attributes(params (string Key, object Value)[] attributes) => new([.. attributes.Select(a => (JsonNode)new JsonObject
    {
        ["key"] = a.Key,
        ["value"] = a.Value switch
        {
            string s => new JsonObject { ["stringValue"] = s },
            long l => new JsonObject { ["intValue"] = l },
            bool b => new JsonObject { ["boolValue"] = b },
            double d => new JsonObject { ["doubleValue"] = d },
            _ => throw new ArgumentOutOfRangeException(nameof(attributes)),
        },
    })]);
}

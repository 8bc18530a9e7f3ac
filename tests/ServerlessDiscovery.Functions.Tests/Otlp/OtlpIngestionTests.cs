using System.Diagnostics;
using System.IO.Compression;
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

namespace ServerlessDiscovery.Functions.Tests.Otlp;

/// <summary>OTLP/HTTP ingestion with the real OpenTelemetry .NET exporter, through aggregation and flush, read back over the API.</summary>
public sealed class OtlpIngestionTests : IAsyncLifetime
{
    private EngineApp _app = null!;

    public async Task InitializeAsync() => _app = await EngineApp.StartAsync(new Dictionary<string, string?>
    {
        ["Otlp:MaxBodyBytes"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Otlp:FlushInterval"] = "01:00:00",
        // These tests count the writes of the drains they run themselves.
        ["Otlp:EarlyDrain"] = "false",
    });

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public async Task Exporter_Protobuf_GenAiSpansBecomeAssetsAndEdgesInTheTenant()
    {
        using var source = new ActivitySource("agent-app-" + Guid.NewGuid().ToString("N"));
        using (TracerProvider provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(source.Name)
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("travel-agent"))
            .AddOtlpExporter(o =>
            {
                o.Endpoint = new Uri(_app.App.BaseAddress, "v1/traces");
                o.Protocol = OtlpExportProtocol.HttpProtobuf;
                o.Headers = "X-Tenant-Id=tenant-otel";
                // One request per span: children arrive before their root, as with real batching boundaries.
                o.ExportProcessorType = ExportProcessorType.Simple;
            })
            .Build())
        {
            using (Activity root = source.StartActivity("invoke_agent planner")!)
            {
                root.SetTag("gen_ai.operation.name", "invoke_agent");
                root.SetTag("gen_ai.agent.name", "planner");
                using (Activity chat = source.StartActivity("chat gpt-4o")!)
                {
                    chat.SetTag("gen_ai.operation.name", "chat");
                    chat.SetTag("gen_ai.provider.name", "openai");
                    chat.SetTag("gen_ai.request.model", "gpt-4o");
                    chat.SetTag("gen_ai.usage.input_tokens", 120);
                    chat.SetTag("gen_ai.usage.output_tokens", 30);
                }

                using (Activity tool = source.StartActivity("execute_tool search_flights")!)
                {
                    tool.SetTag("gen_ai.operation.name", "execute_tool");
                    tool.SetTag("gen_ai.tool.name", "search_flights");
                    using Activity db = source.StartActivity("SELECT flights", ActivityKind.Client)!;
                    db.SetTag("db.system.name", "postgresql");
                    db.SetTag("db.namespace", "flights");
                    db.SetTag("server.address", "db.internal");
                }
            }

            // A model call from a service that names no agent creates no agent.
            using (Activity lone = source.StartActivity("chat claude")!)
            {
                lone.SetTag("gen_ai.operation.name", "chat");
                lone.SetTag("gen_ai.system", "anthropic");
                lone.SetTag("gen_ai.request.model", "claude-sonnet");
                lone.SetTag("gen_ai.usage.prompt_tokens", 10);
            }

            Assert.True(provider.ForceFlush(10_000));
        }

        int writes = await _app.App.Get<TraceFlusher>().FlushAsync();
        using HttpClient tenant = TenantClient("tenant-otel");
        JsonObject models = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/models"))!;
        JsonObject agents = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/agents"))!;
        JsonObject tools = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/tools"))!;
        JsonObject downstream = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/downstream"))!;
        JsonObject lineage = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/lineage?source_id=planner"))!;
        JsonObject gpt = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/assets/model/openai/gpt-4o"))!;
        JsonObject otherTenant = (await TenantClient("someone-else").GetFromJsonAsync<JsonObject>("api/v1/models"))!;

        Assert.True(writes > 0);
        Assert.Equal(["anthropic/claude-sonnet", "openai/gpt-4o"], models["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).Order());
        Assert.Equal(["planner"], agents["agents"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.Equal(["search_flights"], tools["tools"]!.AsArray().Select(a => a!["id"]!.GetValue<string>()));
        Assert.Single(downstream["downstream_systems"]!.AsArray());
        Assert.Contains(lineage["relationships"]!.AsArray(), r => r!["relationship"]!.GetValue<string>() == "uses_model" && r["target_id"]!.GetValue<string>() == "openai/gpt-4o");
        Assert.Contains(lineage["relationships"]!.AsArray(), r => r!["relationship"]!.GetValue<string>() == "uses_tool" && r["target_id"]!.GetValue<string>() == "search_flights");
        Assert.Equal(120, gpt["usage"]!["input_tokens"]!.GetValue<long>());
        Assert.Equal("otlp", gpt["sources"]!.AsArray().Single()!["instance"]!.GetValue<string>());
        Assert.Equal(0, otherTenant["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Json_SpansAccepted_AndRepeatedTrafficWritesOnlyCounters()
    {
        string body = OtlpJson("tenant-json", "gpt-4o-mini");
        using HttpClient tenant = TenantClient("tenant-json");

        for (int i = 0; i < 5; i++)
        {
            using HttpResponseMessage response = await tenant.PostAsync("v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        int first = await _app.App.Get<TraceFlusher>().FlushAsync();
        for (int i = 0; i < 50; i++)
        {
            using HttpResponseMessage response = await tenant.PostAsync("v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        int second = await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject model = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/assets/model/openai/gpt-4o-mini"))!;

        // One asset: the first flush creates it (asset + outbox row), the second only adds counters to it.
        Assert.Equal(2, first);
        Assert.Equal(1, second);
        Assert.Equal(55, model["usage"]!["invocations"]!.GetValue<long>());
        Assert.Equal(1, model["version"]!.GetValue<long>());
    }

    [Fact]
    public async Task PartialSuccess_BadSpanRejected_RestAccepted()
    {
        string body = """
            {"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[{"spans":[
              {"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"chat","attributes":[
                {"key":"gen_ai.provider.name","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"o3"}}]},
              {"traceId":"xyz","spanId":"1","name":"broken"}]}]}]}
            """;
        using HttpResponseMessage response = await TenantClient("tenant-partial").PostAsync("v1/traces", new StringContent(body, Encoding.UTF8, "application/json"));
        JsonObject reply = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", reply["partialSuccess"]!["rejectedSpans"]!.ToString());
    }

    [Theory]
    [InlineData("text/plain", "hello", HttpStatusCode.UnsupportedMediaType)]
    [InlineData("application/x-protobuf", "\u0008\u0096\u0001garbage\u00ff\u00ff", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"resourceSpans\": [", HttpStatusCode.BadRequest)]
    [InlineData("application/json", "{\"resourceSpans\": 7}", HttpStatusCode.BadRequest)]
    public async Task BadBodies_Answer4xx_AndNothingIsStored(string contentType, string body, HttpStatusCode expected)
    {
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using HttpResponseMessage response = await TenantClient("tenant-bad").PostAsync("v1/traces", content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertNothingStoredAsync("tenant-bad");
    }

    [Fact]
    public async Task Oversized_Answers413()
    {
        string huge = OtlpJson("tenant-big", new string('m', 2 * 1024 * 1024));
        using HttpResponseMessage response = await TenantClient("tenant-big").PostAsync("v1/traces", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertNothingStoredAsync("tenant-big");
    }

    [Fact]
    public async Task GzipBomb_StopsAtTheLimitWith413()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            byte[] zeros = new byte[1024 * 1024];
            for (int i = 0; i < 64; i++)
            {
                gzip.Write(zeros);
            }
        }

        using var content = new ByteArrayContent(compressed.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("gzip");
        using HttpResponseMessage response = await TenantClient("tenant-bomb").PostAsync("v1/traces", content);
        using HttpResponseMessage health = await _app.Client.GetAsync("healthz");

        Assert.True(compressed.Length < 200_000);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Gzip_Valid_IsAccepted_Truncated_Is400()
    {
        byte[] json = Encoding.UTF8.GetBytes(OtlpJson("tenant-gz", "gpt-4.1"));
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(json);
        }

        byte[] whole = compressed.ToArray();
        HttpStatusCode ok = await PostGzipAsync(whole);
        HttpStatusCode truncated = await PostGzipAsync(whole[..(whole.Length / 2)]);

        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(HttpStatusCode.BadRequest, truncated);
    }

    [Fact]
    public async Task UnknownSignalOrEncoding_Answer4xx()
    {
        using HttpClient client = TenantClient("tenant-x");
        using HttpResponseMessage metrics = await client.PostAsync("v1/metrics", new StringContent("{}", Encoding.UTF8, "application/json"));
        using var brotli = new StringContent("{}", Encoding.UTF8, "application/json");
        brotli.Headers.ContentEncoding.Add("br");
        using HttpResponseMessage br = await client.PostAsync("v1/traces", brotli);

        Assert.Equal(HttpStatusCode.NotFound, metrics.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, br.StatusCode);
    }

    [Fact]
    public async Task ServiceNamesFilter_OfTheTenantsInstance_KeepsOnlyThoseServices()
    {
        await _app.CreateInstanceAsync("opentelemetry", "traces", new JsonObject { ["service_names"] = new JsonArray("checkout") }, tenantHeader: "tenant-filtered");
        using HttpClient tenant = TenantClient("tenant-filtered");

        using HttpResponseMessage kept = await tenant.PostAsync("v1/traces", new StringContent(OtlpJson("checkout", "kept-model"), Encoding.UTF8, "application/json"));
        using HttpResponseMessage dropped = await tenant.PostAsync("v1/traces", new StringContent(OtlpJson("batch-jobs", "dropped-model"), Encoding.UTF8, "application/json"));
        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject models = (await tenant.GetFromJsonAsync<JsonObject>("api/v1/models"))!;

        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dropped.StatusCode);
        Assert.Equal(["openai/kept-model"], models["models"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal("traces", models["models"]![0]!["instance"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        JsonObject doc = (await _app.Client.GetFromJsonAsync<JsonObject>("api/openapi/v1.json"))!;

        Assert.StartsWith("3.", doc["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(doc["paths"]!.AsObject().ContainsKey("/api/v1/instances"));
        Assert.True(doc["paths"]!.AsObject().ContainsKey("/api/v1/assets"));
    }

    private async Task<HttpStatusCode> PostGzipAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        using HttpResponseMessage response = await TenantClient("tenant-gz").PostAsync("v1/traces", content);
        return response.StatusCode;
    }

    private async Task AssertNothingStoredAsync(string tenant)
    {
        await _app.App.Get<TraceFlusher>().FlushAsync();
        JsonObject assets = (await TenantClient(tenant).GetFromJsonAsync<JsonObject>("api/v1/inventory"))!;
        Assert.Equal(0, assets["count"]!.GetValue<int>());
    }

    private HttpClient TenantClient(string tenant)
    {
        var client = new HttpClient { BaseAddress = _app.App.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Tenant-Id", tenant);
        return client;
    }

    private static string OtlpJson(string service, string model) => new JsonObject
    {
        ["resourceSpans"] = new JsonArray(new JsonObject
        {
            ["resource"] = new JsonObject { ["attributes"] = new JsonArray(Attr("service.name", service)) },
            ["scopeSpans"] = new JsonArray(new JsonObject
            {
                ["spans"] = new JsonArray(new JsonObject
                {
                    ["traceId"] = Guid.NewGuid().ToString("N"),
                    ["spanId"] = Guid.NewGuid().ToString("N")[..16],
                    ["name"] = "chat " + model,
                    ["kind"] = 3,
                    ["startTimeUnixNano"] = "1732000000000000000",
                    ["endTimeUnixNano"] = "1732000001000000000",
                    ["attributes"] = new JsonArray(
                        Attr("gen_ai.operation.name", "chat"),
                        Attr("gen_ai.provider.name", "openai"),
                        Attr("gen_ai.request.model", model)),
                }),
            }),
        }),
    }.ToJsonString();

    private static JsonObject Attr(string key, string value) => new() { ["key"] = key, ["value"] = new JsonObject { ["stringValue"] = value } };
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Api;

/// <summary>The real app on Azurite with one instance of each kind the bad requests aim at; no request here changes it.</summary>
public sealed class BadInputApp : IAsyncLifetime
{
    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await TestApp.StartAsync();
        foreach (string body in new[]
        {
            """{"plugin_type":"opentelemetry","instance_id":"otel1","config":{}}""",
            """{"plugin_type":"litellm","instance_id":"ll1","config":{"proxy_url":"http://127.0.0.1:9/","master_key":"abcd1234"}}""",
        })
        {
            using HttpResponseMessage created = await App.Client.PostAsync("api/v1/instances", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
    }

    public Task DisposeAsync() => App.DisposeAsync().AsTask();
}

/// <summary>
/// Issue 12 item 6: input that used to answer 500 (duplicate JSON keys on five routes, lone UTF-16 surrogates in REST and
/// OTLP JSON, a schedule whose step overflows Int32, a 100 MB body declared by Content-Length) answers a 4xx problem.
/// </summary>
public sealed class BadInputTests(BadInputApp fixture) : IClassFixture<BadInputApp>
{
    /// <summary>The five routes that read a JSON body.</summary>
    public static TheoryData<string, string, string> BodyRoutes() => new()
    {
        { "POST", "api/v1/instances", """{"plugin_type":"opentelemetry","config":{}""" },
        { "PUT", "api/v1/instances/otel1", """{"display_name":"a" """ },
        { "POST", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/h" """ },
        { "DELETE", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/h" """ },
        { "POST", "api/v1/instances/otel1/refresh", """{"force":false""" },
    };

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task JsonBody_DuplicateKey_400Problem(string method, string path, string opening)
    {
        await AssertProblemAsync(method, path, opening + ""","k":1,"k":2}""", HttpStatusCode.BadRequest, "Duplicate");
    }

    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task JsonBody_LoneSurrogateInAPropertyName_400Problem(string method, string path, string opening)
    {
        await AssertProblemAsync(method, path, opening + ""","\ud800":1}""", HttpStatusCode.BadRequest, "surrogate");
    }

    [Theory]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"\ud800","config":{}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"opentelemetry","instance_id":"a\ud800","config":{}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"opentelemetry","display_name":"a\ud800","config":{}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"opentelemetry","schedule":"\ud800","config":{}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"opentelemetry","config":{"service_names":["\ud800"]}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"litellm","config":{"proxy_url":"http://a/","master_key":"x\ud800"}}""")]
    [InlineData("POST", "api/v1/instances", """{"plugin_type":"mcp","config":{"transport":"streamable_http","url":"http://a/","headers":{"\ud800":"v"}}}""")]
    [InlineData("PUT", "api/v1/instances/otel1", """{"display_name":"\ud800"}""")]
    [InlineData("PUT", "api/v1/instances/ll1", """{"config":{"master_key":"\ud800"}}""")]
    [InlineData("POST", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/\ud800"}""")]
    [InlineData("POST", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/h","headers":{"X":"\ud800"}}""")]
    [InlineData("POST", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/h","events":["\ud800"]}""")]
    [InlineData("DELETE", "api/v1/instances/otel1/webhooks", """{"url":"https://example.com/\ud800"}""")]
    public async Task JsonBody_LoneSurrogateInAString_400Problem(string method, string path, string body)
    {
        await AssertProblemAsync(method, path, body, HttpStatusCode.BadRequest, "surrogate");
    }

    [Theory]
    [InlineData("v1/traces", """{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"\ud800"}}]},"scopeSpans":[]}]}""")]
    [InlineData("v1/traces", """{"resourceSpans":[{"resource":{},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","name":"chat","attributes":[{"key":"gen_ai.request.model","value":{"stringValue":"\ud800"}}]}]}]}]}""")]
    [InlineData("v1/logs", """{"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[{"body":{"stringValue":"\ud800"}}]}]}]}""")]
    public async Task OtlpJson_LoneSurrogate_400Problem(string path, string body)
    {
        await AssertProblemAsync("POST", path, body, HttpStatusCode.BadRequest, "surrogate");
    }

    [Theory]
    [InlineData("*/2147483648 * * * * *")]
    [InlineData("0/99999999999999999999 * * * * *")]
    public async Task Schedule_StepOverflowsInt32_400ProblemNamingTheField(string schedule)
    {
        string body = new JsonObject { ["schedule"] = schedule }.ToJsonString();

        await AssertProblemAsync("PUT", "api/v1/instances/otel1", body, HttpStatusCode.BadRequest, "schedule");
        await AssertProblemAsync("POST", "api/v1/instances", new JsonObject { ["plugin_type"] = "opentelemetry", ["schedule"] = schedule, ["config"] = new JsonObject() }.ToJsonString(), HttpStatusCode.BadRequest, "schedule");
    }

    /// <summary>Only the headers and a few bytes are sent: a 413 that arrives proves the body was not waited for.</summary>
    [Theory]
    [MemberData(nameof(BodyRoutes))]
    public async Task JsonBody_DeclaredLength100MB_413BeforeTheBodyIsSent(string method, string path, string opening)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(fixture.App.BaseAddress.Host, fixture.App.BaseAddress.Port);
        NetworkStream stream = client.GetStream();
        string head = $"{method} /{path} HTTP/1.1\r\nHost: {fixture.App.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + opening));

        using var reader = new StreamReader(stream, Encoding.ASCII);
        string? status = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal("HTTP/1.1 413 Payload Too Large", status);
    }

    private async Task AssertProblemAsync(string method, string path, string body, HttpStatusCode expected, string detailMentions)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        using HttpResponseMessage response = await fixture.App.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == expected, $"{method} {path} {body} answered {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailMentions, text, StringComparison.OrdinalIgnoreCase);
    }
}

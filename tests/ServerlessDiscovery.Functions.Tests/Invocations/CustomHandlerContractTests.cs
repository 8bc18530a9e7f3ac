using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDiscovery.Functions.Delivery;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Invocations;

/// <summary>The Functions host's custom-handler contract, with the request shapes of FUNCTIONS-HOST.md.</summary>
public sealed class CustomHandlerContractTests : IAsyncLifetime
{
    private const string TimerBody = """
        {"Data":{"timer":{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-11-23T00:00:00Z","Next":"2026-11-23T00:01:00Z","LastUpdated":"2026-11-23T00:00:00Z"},"IsPastDue":false}},
         "Metadata":{"sys":{"MethodName":"DiscoveryTick","UtcNow":"2026-11-23T00:01:00Z","RandGuid":"8e4f5f0e-5b5e-4f5c-9f39-5a3e7c2f4a11"}}}
        """;

    private readonly RecordingDelivery _delivery = new();
    private TestApp _app = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.StartAsync(
            new Dictionary<string, string?> { ["FUNCTIONS_CUSTOMHANDLER_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture) },
            services => services.AddSingleton<IDeliveryQueueHandler>(_delivery));
    }

    public Task DisposeAsync() => _app.DisposeAsync().AsTask();

    [Fact]
    public void FunctionsMode_ListensOnLoopbackPortFromSetting()
    {
        Assert.Equal("127.0.0.1", _app.BaseAddress.Host);
    }

    [Fact]
    public async Task Root_Get_Answers200ForTheHostsPing()
    {
        using HttpResponseMessage response = await _app.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DiscoveryTick_TimerInvocation_RepliesWithOutputsLogsAndReturnValue()
    {
        JsonObject reply = await InvokeAsync("DiscoveryTick", TimerBody, HttpStatusCode.OK);

        Assert.IsType<JsonObject>(reply["Outputs"]);
        Assert.Contains(reply["Logs"]!.AsArray(), l => l!.GetValue<string>().StartsWith("Tick:", StringComparison.Ordinal));
        Assert.Equal(0, reply["ReturnValue"]!["instances"]!.GetValue<int>());
    }

    [Fact]
    public async Task DiscoveryTick_DataEncodedAsJsonString_IsUnwrapped()
    {
        string timer = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":true}""";
        string body = new JsonObject { ["Data"] = new JsonObject { ["timer"] = timer }, ["Metadata"] = new JsonObject() }.ToJsonString();

        JsonObject reply = await InvokeAsync("DiscoveryTick", body, HttpStatusCode.OK);

        Assert.Contains(reply["Logs"]!.AsArray(), l => l!.GetValue<string>().Contains("past due", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_QueueMessageAsString_ReachesTheHandlerAsItsText()
    {
        const string Message = "eyJ0eXBlIjoieCJ9";
        string body = new JsonObject { ["Data"] = new JsonObject { ["message"] = Message }, ["Metadata"] = new JsonObject { ["DequeueCount"] = 1 } }.ToJsonString();

        await InvokeAsync("Deliver", body, HttpStatusCode.OK);

        Assert.Contains(Message, _delivery.Received);
    }

    [Fact]
    public async Task Deliver_JsonQueueMessage_ReachesTheHandlerAsJsonText()
    {
        string body = """{"Data":{"message":{"id":"evt-2","type":"ServerlessDiscovery.Asset.Created"}},"Metadata":{}}""";

        await InvokeAsync("Deliver", body, HttpStatusCode.OK);

        Assert.Contains(_delivery.Received, m => JsonNode.Parse(m)!["id"]!.GetValue<string>() == "evt-2");
    }

    [Fact]
    public async Task Deliver_HandlerFails_AnswersNon2xxWithJsonBody()
    {
        string body = """{"Data":{"message":"fail-me"},"Metadata":{}}""";

        JsonObject reply = await InvokeAsync("Deliver", body, HttpStatusCode.InternalServerError);

        Assert.Contains(reply["Logs"]!.AsArray(), l => l!.GetValue<string>().Contains("storage down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_NoMessageInData_AnswersNon2xx()
    {
        await InvokeAsync("Deliver", """{"Data":{},"Metadata":{}}""", HttpStatusCode.InternalServerError);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"Data\": 5}")]
    public async Task Invocation_MalformedBody_Answers400WithJsonBody(string body)
    {
        await InvokeAsync("DiscoveryTick", body, HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/api/v1/plugin-types")]
    [InlineData("/api/v1/status")]
    public async Task HttpRoutes_ReachableUnderTheirPublicPaths(string path)
    {
        using HttpResponseMessage response = await _app.Client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_FunctionsModeWithoutTopic_Answers503NamingTheEventSink()
    {
        using HttpResponseMessage response = await _app.Client.GetAsync("/readyz");
        JsonObject problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("ready", problem["checks"]!["tableStorage"]!.GetValue<string>());
        Assert.Contains("EventGrid__TopicEndpoint", problem["checks"]!["eventSink"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<JsonObject> InvokeAsync(string function, string body, HttpStatusCode expected)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _app.Client.PostAsync("/" + function, content);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonObject reply = JsonNode.Parse(text)!.AsObject();
        Assert.True(reply.ContainsKey("Outputs") && reply.ContainsKey("Logs") && reply.ContainsKey("ReturnValue"), text);
        return reply;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RecordingDelivery : IDeliveryQueueHandler
    {
        public ConcurrentQueue<string> Received { get; } = new();

        public Task HandleAsync(string message, CancellationToken cancellationToken)
        {
            if (message == "fail-me")
            {
                throw new InvalidOperationException("storage down");
            }

            Received.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}

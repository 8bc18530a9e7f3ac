using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using ServerlessDiscovery.Functions.HostTests.Rpc;
using ServerlessDiscovery.Testing;
using Xunit.Abstractions;

namespace ServerlessDiscovery.Functions.HostTests;

/// <summary>
/// The real worker under a stand-in Functions host (FunctionRpc over gRPC): start, init, metadata, load, HTTP invocations
/// through the catch-all functions, a timer invocation that runs a due scan against Azurite, a queue invocation that
/// delivers a webhook, and terminate. Tests our side of the contract; the host's own behaviour (schedules, queue polling,
/// YARP) is for a live smoke test.
/// </summary>
public sealed class FunctionsHostTests(ITestOutputHelper output)
{
    private const string ApiKey = "stand-in-host-key-0123456789";
    private const string HttpInvocationHeader = "x-ms-invocation-id";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Worker_UnderTheStandInHost_ServesEveryFunctionAndExitsCleanly()
    {
        await using LoopbackServer topic = await LoopbackServer.StartAsync((context, _) => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        await using LoopbackServer subscriber = await LoopbackServer.StartAsync((context, _) => { context.Response.StatusCode = 200; return Task.CompletedTask; });
        await using StandInHost host = await StandInHost.StartAsync();
        string deliveriesQueue = Azurite.UniqueQueueName("d");
        var settings = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("h"),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Api__Keys"] = ApiKey,
            ["DISCOVERY_TICK"] = "0 */5 * * * *",
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = deliveriesQueue,
            // A configured instance of a plugin type that needs no network, due every second.
            ["Plugins__tick1__Type"] = "opentelemetry",
            ["Plugins__tick1__Schedule"] = "* * * * * *",
            ["EventGrid__TopicEndpoint"] = new Uri(topic.BaseAddress, "api/events").ToString(),
            ["EventGrid__TopicKey"] = "stand-in-topic-key-0123456789",
            ["Egress__AllowedNetworks"] = "127.0.0.1,localhost",
            ["Webhooks__Timeout"] = "00:00:10",
        };

        await using Session session = await Session.StartAsync(host, settings);
        output.WriteLine($"worker start -> StartStream {session.ToStartStream.TotalMilliseconds:0} ms; -> init answered {session.ToReady.TotalMilliseconds:0} ms; -> HttpUri listening {session.ToHttp.TotalMilliseconds:0} ms ({session.HttpUri})");
        HostChannel rpc = session.Rpc;
        HttpFunctions web = session.Web;
        Dictionary<string, RpcFunctionMetadata> functions = session.Functions;

        // Metadata: the six functions and their bindings.
        Assert.Equal(["Api", "Deliver", "DiscoveryTick", "Health", "Otlp", "Ui"], functions.Keys.Order(StringComparer.Ordinal));
        AssertTrigger(functions["DiscoveryTick"], "timerTrigger", b => Assert.Equal("%DISCOVERY_TICK%", (string?)b["schedule"]));
        AssertTrigger(functions["Deliver"], "queueTrigger", b =>
        {
            Assert.Equal("%DELIVERIES_QUEUE%", (string?)b["queueName"]);
            Assert.Equal("AzureWebJobsStorage", (string?)b["connection"]);
        });
        AssertHttp(functions["Api"], "api/{*path}", ["get", "post", "put", "delete"]);
        AssertHttp(functions["Otlp"], "v1/{signal}", ["post"]);
        AssertHttp(functions["Health"], "{probe:regex(^(healthz|readyz)$)}", ["get"]);
        AssertHttp(functions["Ui"], "ui/{*path}", ["get", "head"]);


        // HTTP through the catch-alls: the app's own pipeline answers.
        using (HttpResponseMessage health = await web.SendAsync("Health", HttpMethod.Get, "healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using (HttpResponseMessage types = await web.SendAsync("Api", HttpMethod.Get, "api/v1/plugin-types", key: true))
        {
            Assert.Equal(HttpStatusCode.OK, types.StatusCode);
            Assert.Contains("opentelemetry", await types.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The dashboard's files: anonymous, under the strict Content-Security-Policy, from the worker's own output.
        using (HttpResponseMessage ui = await web.SendAsync("Ui", HttpMethod.Get, "ui/"))
        {
            Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
            Assert.Contains("<script type=\"module\" src=\"app.js\">", await ui.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", string.Join(";", ui.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        using (HttpResponseMessage graph = await web.SendAsync("Ui", HttpMethod.Get, "ui/vendor/cytoscape.esm.min.js"))
        {
            Assert.Equal(HttpStatusCode.OK, graph.StatusCode);
            Assert.Equal("text/javascript", graph.Content.Headers.ContentType?.MediaType);
        }

        using (HttpResponseMessage noKey = await web.SendAsync("Api", HttpMethod.Get, "api/v1/plugin-types"))
        {
            await AssertProblemAsync(noKey, HttpStatusCode.Unauthorized);
        }

        using (HttpResponseMessage created = await web.SendAsync("Api", HttpMethod.Post, "api/v1/instances", key: true,
            body: new JsonObject { ["plugin_type"] = "opentelemetry", ["instance_id"] = "otel", ["config"] = new JsonObject() }))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage invalid = await web.SendAsync("Api", HttpMethod.Get, "api/v1/instances/otel/scans?limit=0", key: true))
        {
            await AssertProblemAsync(invalid, HttpStatusCode.BadRequest);
        }

        using (HttpResponseMessage missing = await web.SendAsync("Api", HttpMethod.Get, "api/v1/instances/no-such-instance", key: true))
        {
            await AssertProblemAsync(missing, HttpStatusCode.NotFound);
        }

        using (HttpResponseMessage openApi = await web.SendAsync("Api", HttpMethod.Get, "api/openapi/v1.json", key: true))
        {
            string text = await openApi.Content.ReadAsStringAsync();
            Assert.True(openApi.StatusCode == HttpStatusCode.OK, text);
            JsonNode document = JsonNode.Parse(text)!;
            Assert.StartsWith("3.", (string?)document["openapi"], StringComparison.Ordinal);
            Assert.NotNull(document["paths"]!["/api/v1/instances"]);
            Assert.Null(document["paths"]!["/api/{path}"]);
        }

        using (HttpResponseMessage subscribed = await web.SendAsync("Api", HttpMethod.Post, "api/v1/instances/otel/webhooks", key: true,
            body: new JsonObject { ["url"] = new Uri(subscriber.BaseAddress, "hook").ToString() }))
        {
            Assert.True(subscribed.StatusCode == HttpStatusCode.OK, await subscribed.Content.ReadAsStringAsync());
        }

        using (HttpResponseMessage traces = await web.SendAsync("Otlp", HttpMethod.Post, "v1/traces", key: true, otlpJson: OtlpTraces))
        {
            Assert.True(traces.StatusCode == HttpStatusCode.OK, await traces.Content.ReadAsStringAsync());
        }

        // Queue: the OTLP request queued one delivery attempt in the deliveries queue (Azurite); the host would hand that
        // message to Deliver, and so does this stand-in.
        string message = await ReceiveOneAsync(Azurite.CreateQueueClient(deliveriesQueue));
        Assert.Empty(subscriber.Requests);
        InvocationResponse delivered = await rpc.InvokeAsync(functions["Deliver"], new ParameterBinding { Name = "message", Data = new TypedData { String = message } });
        Assert.True(delivered.Result.Status == StatusResult.Types.Status.Success, delivered.Result.Exception?.Message);
        RecordedRequest hook = Assert.Single(subscriber.Requests);
        Assert.Equal("/hook", hook.Path);
        Assert.Contains("resourceSpans", hook.BodyText, StringComparison.Ordinal);

        // Timer: ticks until the configured instance (due every second after it was written) has a scan record.
        JsonArray scans = await TickUntilScannedAsync(rpc, web, functions["DiscoveryTick"], "tick1");
        Assert.Equal("succeeded", (string?)scans[0]!["status"]);

        // Terminate: the worker stops and exits with 0.
        await rpc.SendAsync(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });
        int exitCode = await session.Worker.WaitForExitAsync(StepLimit);
        Assert.True(exitCode == 0, $"The worker exited with {exitCode}.\n{session.Worker.Output}");
    }

    [Fact]
    public async Task Worker_WithoutApiKeys_RefusesTheApiWith503NamingTheSetting_HealthStillAnswers()
    {
        await using StandInHost host = await StandInHost.StartAsync();
        await using Session session = await Session.StartAsync(host, new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("h"),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Api__Keys"] = string.Empty,
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
        });

        using (HttpResponseMessage api = await session.Web.SendAsync("Api", HttpMethod.Get, "api/v1/plugin-types"))
        {
            await AssertProblemAsync(api, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("Api__Keys", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (HttpResponseMessage otlp = await session.Web.SendAsync("Otlp", HttpMethod.Post, "v1/traces", otlpJson: OtlpTraces))
        {
            await AssertProblemAsync(otlp, HttpStatusCode.ServiceUnavailable);
        }

        using (HttpResponseMessage health = await session.Web.SendAsync("Health", HttpMethod.Get, "healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
    }

    /// <summary>The one message the app put on <paramref name="queue"/>, waited for within <see cref="StepLimit"/>.</summary>
    private static async Task<string> ReceiveOneAsync(Azure.Storage.Queues.QueueClient queue)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Azure.Storage.Queues.Models.QueueMessage[] messages = (await queue.ReceiveMessagesAsync(maxMessages: 32)).Value;
            if (messages.Length > 0)
            {
                return Assert.Single(messages).MessageText;
            }

            Assert.True(clock.Elapsed < StepLimit, $"No message reached the deliveries queue within {StepLimit.TotalSeconds:0} s.");
            await Task.Delay(100); // bounded poll of an external queue, not synchronisation with our own code
        }
    }

    /// <summary>A started worker, initialised, with its functions' metadata read and every function loaded.</summary>
    private sealed class Session : IAsyncDisposable
    {
        private Session(WorkerProcess worker, HostChannel rpc, HttpClient http, Dictionary<string, RpcFunctionMetadata> functions, Uri httpUri, TimeSpan toStartStream, TimeSpan toReady, TimeSpan toHttp)
        {
            Worker = worker;
            Rpc = rpc;
            Http = http;
            Functions = functions;
            HttpUri = httpUri;
            ToStartStream = toStartStream;
            ToReady = toReady;
            ToHttp = toHttp;
            Web = new HttpFunctions(rpc, http, functions);
        }

        public WorkerProcess Worker { get; }

        public HostChannel Rpc { get; }

        public HttpClient Http { get; }

        public HttpFunctions Web { get; }

        public Dictionary<string, RpcFunctionMetadata> Functions { get; }

        public Uri HttpUri { get; }

        /// <summary>Process start to the worker's StartStream.</summary>
        public TimeSpan ToStartStream { get; }

        /// <summary>Process start to the worker's answer to WorkerInitRequest: ready for metadata and invocations.</summary>
        public TimeSpan ToReady { get; }

        /// <summary>Process start to the worker's HttpUri accepting connections.</summary>
        public TimeSpan ToHttp { get; }

        public static async Task<Session> StartAsync(StandInHost host, Dictionary<string, string> settings)
        {
            string appDirectory = WorkerProcess.AppDirectory();
            Stopwatch clock = Stopwatch.StartNew();
            WorkerProcess worker = WorkerProcess.Start(host.Address, settings);
            try
            {
                var rpc = new HostChannel(host.Worker, worker);

                // The worker opens the stream.
                StreamingMessage start = await rpc.ReceiveAsync(m => m.ContentCase == StreamingMessage.ContentOneofCase.StartStream, StartLimit, "StartStream");
                TimeSpan toStartStream = clock.Elapsed;
                Assert.Equal(worker.WorkerId, start.StartStream.WorkerId);

                // Init: the worker answers with its own HTTP address (ASP.NET Core integration).
                StreamingMessage init = await rpc.RequestAsync(new StreamingMessage
                {
                    WorkerInitRequest = new WorkerInitRequest { HostVersion = "4.1000.0", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory },
                });
                TimeSpan toReady = clock.Elapsed;
                Assert.Equal(StatusResult.Types.Status.Success, init.WorkerInitResponse.Result.Status);
                Assert.True(init.WorkerInitResponse.Capabilities.TryGetValue("HttpUri", out string? httpUriText), "WorkerInitResponse lacks the HttpUri capability.");
                var httpUri = new Uri(httpUriText!);
                Assert.True(httpUri.IsLoopback, $"HttpUri {httpUri} is not a loopback address.");

                // The worker answers init before its Kestrel listens (the gRPC client starts first): HTTP is ready when
                // HttpUri accepts connections. The host's forwarder meets the same gap; a test waits for it, bounded.
                await WaitUntilListeningAsync(httpUri, worker);
                TimeSpan toHttp = clock.Elapsed;

                // Metadata, then one load request per function as the host sends them.
                StreamingMessage metadata = await rpc.RequestAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } });
                Assert.True(metadata.FunctionMetadataResponse.Result.Status == StatusResult.Types.Status.Success, metadata.FunctionMetadataResponse.Result.Exception?.Message);
                Dictionary<string, RpcFunctionMetadata> functions = metadata.FunctionMetadataResponse.FunctionMetadataResults.ToDictionary(f => f.Name, StringComparer.Ordinal);
                foreach (RpcFunctionMetadata function in functions.Values)
                {
                    if (string.IsNullOrEmpty(function.FunctionId))
                    {
                        function.FunctionId = Guid.NewGuid().ToString();
                    }

                    StreamingMessage loaded = await rpc.RequestAsync(new StreamingMessage { FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function } });
                    Assert.True(loaded.FunctionLoadResponse.Result.Status == StatusResult.Types.Status.Success, $"Loading {function.Name} failed: {loaded.FunctionLoadResponse.Result.Exception?.Message}");
                }

                return new Session(worker, rpc, new HttpClient { BaseAddress = httpUri, Timeout = StepLimit }, functions, httpUri, toStartStream, toReady, toHttp);
            }
            catch
            {
                await worker.DisposeAsync();
                throw;
            }
        }

        private static async Task WaitUntilListeningAsync(Uri uri, WorkerProcess worker)
        {
            using var deadline = new CancellationTokenSource(StartLimit);
            while (true)
            {
                using var client = new System.Net.Sockets.TcpClient();
                try
                {
                    await client.ConnectAsync(uri.Host, uri.Port, deadline.Token);
                    return;
                }
                catch (System.Net.Sockets.SocketException) when (!deadline.IsCancellationRequested && !worker.Process.HasExited)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException)
                {
                    throw new Xunit.Sdk.XunitException($"The worker's HttpUri {uri} did not accept connections within {StartLimit.TotalSeconds:0} s.\n{worker.Output}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Worker.DisposeAsync();
        }
    }

    private const string OtlpTraces = """
        {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"host-test"}}]},
          "scopeSpans":[{"scope":{"name":"test"},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
          "name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000",
          "attributes":[{"key":"gen_ai.system","value":{"stringValue":"openai"}},{"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o"}}]}]}]}]}
        """;

    private static async Task<JsonArray> TickUntilScannedAsync(HostChannel rpc, HttpFunctions web, RpcFunctionMetadata tick, string instance)
    {
        using var deadline = new CancellationTokenSource(StepLimit);
        while (true)
        {
            InvocationResponse ticked = await rpc.InvokeAsync(tick, new ParameterBinding
            {
                Name = "timer",
                Data = new TypedData { Json = """{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}""" },
            });
            Assert.True(ticked.Result.Status == StatusResult.Types.Status.Success, ticked.Result.Exception?.Message);

            using HttpResponseMessage response = await web.SendAsync("Api", HttpMethod.Get, $"api/v1/instances/{instance}/scans", key: true);
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            JsonArray scans = JsonNode.Parse(text)!["scans"]!.AsArray();
            if (scans.Count > 0)
            {
                return scans;
            }

            // The instance becomes due at the next whole second after it was written: tick again until then.
            Assert.False(deadline.IsCancellationRequested, $"No scan of {instance} was recorded within {StepLimit.TotalSeconds:0} s of ticks.");
        }
    }

    private static void AssertTrigger(RpcFunctionMetadata function, string type, Action<JsonObject> check)
    {
        JsonObject trigger = Assert.Single(function.RawBindings.Select(b => JsonNode.Parse(b)!.AsObject()), b => ((string?)b["type"])?.EndsWith("Trigger", StringComparison.Ordinal) == true);
        Assert.Equal(type, (string?)trigger["type"]);
        check(trigger);
    }

    private static void AssertHttp(RpcFunctionMetadata function, string route, string[] methods) =>
        AssertTrigger(function, "httpTrigger", b =>
        {
            Assert.Equal(route, (string?)b["route"]);
            Assert.Equal("anonymous", ((string?)b["authLevel"])?.ToLowerInvariant());
            Assert.Equal(methods, b["methods"]!.AsArray().Select(m => ((string?)m)!.ToLowerInvariant()));
            Assert.False(route.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase), $"{route} is reserved by the host.");
        });

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (int?)JsonNode.Parse(text)!["status"]);
    }

    /// <summary>The host's side of requests, responses and invocations on the stream.</summary>
    private sealed class HostChannel(WorkerStream stream, WorkerProcess worker)
    {
        public Task<StreamingMessage> ReceiveAsync(Func<StreamingMessage, bool> match, TimeSpan timeout, string what) =>
            WithOutput(stream.WaitForAsync(match, timeout, what));

        public Task SendAsync(StreamingMessage message) => stream.SendAsync(message, StepLimit);

        /// <summary>Sends a request and waits for the response carrying its request id.</summary>
        public async Task<StreamingMessage> RequestAsync(StreamingMessage request)
        {
            request.RequestId = Guid.NewGuid().ToString();
            await SendAsync(request);
            return await ReceiveAsync(m => m.RequestId == request.RequestId, StepLimit, $"response to {request.ContentCase}");
        }

        public async Task<InvocationResponse> InvokeAsync(RpcFunctionMetadata function, ParameterBinding input, string? invocationId = null)
        {
            invocationId ??= Guid.NewGuid().ToString();
            var request = new InvocationRequest { InvocationId = invocationId, FunctionId = function.FunctionId, TraceContext = new RpcTraceContext() };
            request.InputData.Add(input);
            await SendAsync(new StreamingMessage { RequestId = Guid.NewGuid().ToString(), InvocationRequest = request });
            StreamingMessage response = await ReceiveAsync(
                m => m.ContentCase == StreamingMessage.ContentOneofCase.InvocationResponse && m.InvocationResponse.InvocationId == invocationId, StepLimit, $"InvocationResponse for {function.Name}");
            return response.InvocationResponse;
        }

        private async Task<StreamingMessage> WithOutput(Task<StreamingMessage> wait)
        {
            try
            {
                // A worker that exits (a start-up error) fails the wait at once rather than after its limit.
                Task exited = worker.Process.WaitForExitAsync();
                if (await Task.WhenAny(wait, exited) == exited && !wait.IsCompleted)
                {
                    throw new InvalidOperationException($"The worker exited with {worker.Process.ExitCode} while the host waited.");
                }

                return await wait;
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
            {
                throw new Xunit.Sdk.XunitException($"{ex.Message}\nWorker console:\n{worker.Output}");
            }
        }
    }

    /// <summary>
    /// An HTTP invocation as the host makes it with the ASP.NET Core integration: the request forwarded to the worker's
    /// HttpUri with x-ms-invocation-id, and an InvocationRequest with the same id whose HTTP input is empty.
    /// </summary>
    private sealed class HttpFunctions(HostChannel rpc, HttpClient http, Dictionary<string, RpcFunctionMetadata> functions)
    {
        public async Task<HttpResponseMessage> SendAsync(string function, HttpMethod method, string pathAndQuery, bool key = false, JsonObject? body = null, string? otlpJson = null)
        {
            string invocationId = Guid.NewGuid().ToString();
            using var request = new HttpRequestMessage(method, pathAndQuery);
            request.Headers.Add(HttpInvocationHeader, invocationId);
            if (key)
            {
                request.Headers.Add("x-api-key", ApiKey);
            }

            if (body is not null)
            {
                request.Content = JsonContent.Create(body);
            }
            else if (otlpJson is not null)
            {
                request.Content = new StringContent(otlpJson, Encoding.UTF8, "application/json");
            }

            Task<HttpResponseMessage> forwarded = http.SendAsync(request);
            InvocationResponse invocation = await rpc.InvokeAsync(functions[function], new ParameterBinding { Name = "request", Data = new TypedData { Http = new RpcHttp() } }, invocationId);
            HttpResponseMessage response = await forwarded.WaitAsync(StepLimit);
            Assert.True(invocation.Result.Status == StatusResult.Types.Status.Success, $"{function} {method} /{pathAndQuery}: {invocation.Result.Exception?.Message}");
            return response;
        }
    }
}

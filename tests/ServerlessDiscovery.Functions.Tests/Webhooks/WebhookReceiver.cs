using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.Webhooks;

/// <summary>
/// A webhook receiver on loopback: answers with the test's status sequence and completes a signal once it has seen
/// the number of requests the test waits for.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<(RecordedRequest Request, DateTimeOffset At)> _received = new();
    private readonly Func<int, HttpContext, Task> _answer;
    private readonly Lock _gate = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _count;
    private int _answered;

    private WebhookReceiver(Func<int, HttpContext, Task> answer) => _answer = answer;

    public LoopbackServer Server { get; private set; } = null!;

    public string Url => new Uri(Server.BaseAddress, "hook").ToString();

    public IReadOnlyList<(RecordedRequest Request, DateTimeOffset At)> Received => [.. _received];

    /// <param name="answer">Given the 1-based request number, answers it; default 200.</param>
    public static async Task<WebhookReceiver> StartAsync(Func<int, HttpContext, Task>? answer = null)
    {
        var receiver = new WebhookReceiver(answer ?? ((_, c) => { c.Response.StatusCode = 200; return Task.CompletedTask; }));
        receiver.Server = await LoopbackServer.StartAsync(async (context, request) =>
        {
            int n = Interlocked.Increment(ref receiver._count);
            receiver._received.Enqueue((request, DateTimeOffset.UtcNow));
            await receiver._answer(n, context);
            receiver.Notify();
        });
        return receiver;
    }

    /// <summary>Completes when at least <paramref name="count"/> requests have been answered; fails after <paramref name="timeout"/>.</summary>
    public Task WhenReceivedAsync(int count, TimeSpan? timeout = null)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_answered >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, signal));
        }

        return signal.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>Waits, request by request, until a CloudEvents batch holding an event that matches has arrived; returns that event.</summary>
    public async Task<ServerlessDiscovery.Engine.ChangeFeed.ChangeEvent> CloudEventAsync(Func<ServerlessDiscovery.Engine.ChangeFeed.ChangeEvent, bool> match)
    {
        for (int seen = 1; ; seen++)
        {
            await WhenReceivedAsync(seen);
            foreach ((RecordedRequest request, _) in Received.Take(seen))
            {
                if (request.Headers.TryGetValue("Content-Type", out string? contentType) && contentType.StartsWith("application/cloudevents-batch+json", StringComparison.Ordinal))
                {
                    foreach (JsonNode? e in JsonNode.Parse(request.Body)!.AsArray())
                    {
                        ServerlessDiscovery.Engine.ChangeFeed.ChangeEvent change = ServerlessDiscovery.Engine.ChangeFeed.ChangeEvent.FromCloudEventJson(e!.AsObject());
                        if (match(change))
                        {
                            return change;
                        }
                    }
                }
            }
        }
    }

    public static string Sign(string secret, string timestamp, byte[] body)
    {
        byte[] message = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private void Notify()
    {
        lock (_gate)
        {
            _answered++;
            foreach ((int count, TaskCompletionSource signal) in _waiters.Where(w => w.Count <= _answered).ToList())
            {
                signal.TrySetResult();
                _waiters.Remove((count, signal));
            }
        }
    }
}

/// <summary>Settings and API calls the webhook tests share.</summary>
internal static class Webhook
{
    public static Dictionary<string, string?> Settings(int maxAttempts = 3, string baseDelay = "00:00:00.050", string? allowedHosts = "127.0.0.1,localhost") => new()
    {
        ["Egress:AllowedNetworks"] = allowedHosts,
        ["Webhooks:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Webhooks:BaseDelay"] = baseDelay,
        ["Webhooks:MaxDelay"] = "00:00:05",
        ["Webhooks:Timeout"] = "00:00:05",
        ["Webhooks:PollInterval"] = "00:00:00.500",
    };

    public static async Task<JsonObject> SubscribeAsync(HttpClient client, string instance, JsonObject body)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync($"api/v1/instances/{instance}/webhooks", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task CreateOtelInstanceAsync(HttpClient client, string id)
    {
        using HttpResponseMessage response = await client.PostAsJsonAsync("api/v1/instances", new JsonObject { ["plugin_type"] = "opentelemetry", ["instance_id"] = id, ["config"] = new JsonObject() });
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, text);
    }

    /// <summary>An OTLP JSON traces request with <paramref name="spans"/> spans named span-0..n (ids hex, as OTLP JSON has them).</summary>
    public static byte[] OtlpJson(int spans, int attributeBytes = 0, int resources = 1)
    {
        var resourceSpans = new JsonArray();
        for (int r = 0; r < resources; r++)
        {
            var items = new JsonArray();
            for (int i = r; i < spans; i += resources)
            {
                items.Add(new JsonObject
                {
                    ["traceId"] = "5b8efff798038103d269b633813fc60c",
                    ["spanId"] = (0x1000 + i).ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
                    ["name"] = $"span-{i}",
                    ["kind"] = 3,
                    ["startTimeUnixNano"] = "1700000000000000000",
                    ["endTimeUnixNano"] = "1700000001000000000",
                    ["attributes"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "gen_ai.request.model",
                        ["value"] = new JsonObject { ["stringValue"] = "gpt-4o" + new string('x', attributeBytes) },
                    }),
                });
            }

            resourceSpans.Add(new JsonObject
            {
                ["resource"] = new JsonObject { ["attributes"] = new JsonArray(new JsonObject { ["key"] = "service.name", ["value"] = new JsonObject { ["stringValue"] = $"svc-{r}" } }) },
                ["scopeSpans"] = new JsonArray(new JsonObject { ["scope"] = new JsonObject { ["name"] = "test" }, ["spans"] = items }),
            });
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["resourceSpans"] = resourceSpans }.ToJsonString());
    }
}

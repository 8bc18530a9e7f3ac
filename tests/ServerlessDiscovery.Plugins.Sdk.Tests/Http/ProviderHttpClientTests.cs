using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ServerlessDiscovery.Plugins.Http;

public sealed class ProviderHttpClientTests
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    private static readonly ProviderHttpOptions Options = new()
    {
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(100),
        MaxDelay = MaxDelay,
        AttemptTimeout = AttemptTimeout,
    };

    private static readonly TimeSpan[] Timeouts = [AttemptTimeout, ProviderResilience.TotalTimeout(Options)];

    private readonly ObservedTimeProvider _time = new();

    [Fact]
    public async Task SendJsonAsync_RetryAfterSeconds_WaitsThatLongThenSucceeds()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Status(429, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3))),
            ScriptedHandler.Status(200, body: """{"ok":true}"""));
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        TimeSpan wait = await _time.NextWaitAsync(Timeouts);
        Assert.Equal(1, handler.Attempts);
        _time.Advance(wait);
        using JsonDocument reply = await send;

        Assert.Equal(TimeSpan.FromSeconds(3), wait);
        Assert.True(reply.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_RetryAfterDate_WaitsUntilThatDate()
    {
        DateTimeOffset until = _time.GetUtcNow().AddSeconds(4);
        var handler = new ScriptedHandler(
            ScriptedHandler.Status(503, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(until)),
            ScriptedHandler.Status(200));
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        TimeSpan wait = await _time.NextWaitAsync(Timeouts);
        _time.Advance(wait);
        using JsonDocument _ = await send;

        Assert.Equal(TimeSpan.FromSeconds(4), wait);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_RetryAfterBeyondMaxDelay_FailsWithoutWaiting()
    {
        var handler = new ScriptedHandler(
            ScriptedHandler.Status(429, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(MaxDelay + TimeSpan.FromSeconds(1)), """{"error":{"code":"TooManyRequests","message":"slow down"}}"""));
        using ProviderHttpClient client = Create(handler);

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetJsonAsync("List", new Uri("http://provider.test/items")));

        Assert.Equal(429, error.Status);
        Assert.Equal("TooManyRequests", error.ErrorCode);
        Assert.Equal(1, handler.Attempts);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(501)]
    public async Task SendJsonAsync_NonRetriableStatus_FailsAtFirstAttempt(int status)
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(status, body: """{"message":"no"}"""), ScriptedHandler.Status(200));
        using ProviderHttpClient client = Create(handler);

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetJsonAsync("List", new Uri("http://provider.test/items")));

        Assert.Equal(status, error.Status);
        Assert.Equal(1, handler.Attempts);
        Assert.DoesNotContain("attempts", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(408, null)]
    [InlineData(429, null)]
    [InlineData(500, null)]
    [InlineData(502, null)]
    [InlineData(503, null)]
    [InlineData(504, null)]
    [InlineData(400, """{"__type":"com.amazon#ThrottlingException","message":"Rate exceeded"}""")]
    public async Task SendJsonAsync_RetriableReply_RetriedWithBackoffWithinMaxDelay(int status, string? body)
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(status, body: body), ScriptedHandler.Status(200));
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        TimeSpan wait = await _time.NextWaitAsync(Timeouts);
        _time.Advance(wait);
        using JsonDocument _ = await send;

        Assert.InRange(wait, TimeSpan.Zero, MaxDelay);
        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_NetworkError_Retried()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Throws(new HttpRequestException("connection reset")), ScriptedHandler.Status(200));
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        _time.Advance(await _time.NextWaitAsync(Timeouts));
        using JsonDocument _ = await send;

        Assert.Equal(2, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_AttemptTimesOut_RetriedThenReportsTimeout()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hangs());
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));

        // Advance by each wait the client starts (attempt timeouts and retry delays, in whatever order and number they
        // come) until it gives up; only the total timeout is never advanced to, so it cannot be what ends the request.
        var waits = new List<TimeSpan>();
        while (!send.IsCompleted)
        {
            Task<TimeSpan> next = _time.NextWaitAsync(Timeouts[1..]);
            if (await Task.WhenAny(send, next) == send)
            {
                break;
            }

            waits.Add(await next);
            _time.Advance(waits[^1]);
        }

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => send);
        Assert.Null(error.Status);
        Assert.Contains("failed after 3 attempts: no answer within 30 s", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_AlwaysUnavailable_StopsAtMaxAttempts()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(503, body: """{"error":{"code":"ServiceUnavailable","message":"busy"}}"""));
        using ProviderHttpClient client = Create(handler);

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        for (int retry = 1; retry < Options.MaxAttempts; retry++)
        {
            _time.Advance(await _time.NextWaitAsync(Timeouts));
        }

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => send);
        Assert.Equal(503, error.Status);
        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal("Test List answered 503 ServiceUnavailable: busy (after 3 attempts)", error.Message);
        Assert.Equal(3, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_CancelledWhileWaitingToRetry_ThrowsAtOnce()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(429, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(4))));
        using ProviderHttpClient client = Create(handler);
        using var cts = new CancellationTokenSource();

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"), cancellationToken: cts.Token);
        await _time.NextWaitAsync(Timeouts);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_CancelledDuringAttempt_ThrowsWithoutRetry()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Hangs());
        using ProviderHttpClient client = Create(handler);
        using var cts = new CancellationTokenSource();

        Task<JsonDocument> send = client.GetJsonAsync("List", new Uri("http://provider.test/items"), cancellationToken: cts.Token);
        await _time.NextWaitAsync(Timeouts[1..]);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(1, handler.Attempts);
    }

    [Fact]
    public async Task SendJsonAsync_EachAttempt_BuildsAFreshRequest()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(500), ScriptedHandler.Status(200));
        using ProviderHttpClient client = Create(handler);
        int built = 0;

        Task<JsonDocument> send = client.SendJsonAsync("Put", _ =>
        {
            built++;
            return ValueTask.FromResult(new HttpRequestMessage(HttpMethod.Post, "http://provider.test/items") { Content = new StringContent("{}") });
        });
        _time.Advance(await _time.NextWaitAsync(Timeouts));
        using JsonDocument _ = await send;

        Assert.Equal(2, built);
    }

    [Fact]
    public async Task SendJsonAsync_RequestsPerSecond_SpacesAttempts()
    {
        var handler = new ScriptedHandler(ScriptedHandler.Status(200));
        var paced = new ProviderHttpOptions { MaxAttempts = 1, AttemptTimeout = AttemptTimeout, MaxDelay = MaxDelay, RequestsPerSecond = 2 };
        using var client = new ProviderHttpClient(new HttpClient(handler), paced, _time, "Test");

        using (await client.GetJsonAsync("List", new Uri("http://provider.test/items")))
        {
        }

        Task<JsonDocument> second = client.GetJsonAsync("List", new Uri("http://provider.test/items"));
        TimeSpan wait = await _time.NextWaitAsync(AttemptTimeout, ProviderResilience.TotalTimeout(paced));
        Assert.Equal(1, handler.Attempts);
        _time.Advance(wait);
        using JsonDocument _ = await second;

        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);
        Assert.Equal(2, handler.Attempts);
    }

    private ProviderHttpClient Create(ScriptedHandler handler) => new(new HttpClient(handler), Options, _time, "Test");
}

namespace ServerlessDiscovery.Plugins.Http;

/// <summary>Answers each attempt with the next scripted reply (the last repeats) and counts attempts.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>[] replies) : HttpMessageHandler
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Status(int status, Action<HttpResponseMessage>? configure = null, string? body = null) =>
        (_, _) =>
        {
            var response = new HttpResponseMessage((System.Net.HttpStatusCode)status) { Content = new StringContent(body ?? "{}") };
            configure?.Invoke(response);
            return Task.FromResult(response);
        };

    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Throws(Exception exception) =>
        (_, _) => Task.FromException<HttpResponseMessage>(exception);

    /// <summary>Never answers; ends only when the attempt is cancelled.</summary>
    public static Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> Hangs() =>
        async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        int attempt = Interlocked.Increment(ref _attempts);
        return replies[Math.Min(attempt, replies.Length) - 1](request, cancellationToken);
    }
}

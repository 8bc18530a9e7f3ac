using Azure;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// Tells a storage outage (the service unreachable, timing out, throttling or failing on its side) from a request the
/// service refused on its merits: the first is answered 503 with Retry-After so clients retry, the second is not.
/// </summary>
public static class StorageFailures
{
    public static bool IsOutage(Exception exception, CancellationToken requestAborted = default) => exception switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        // A cancellation the caller did not ask for is a timeout of ours (a per-call deadline).
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(e => IsOutage(e, requestAborted)),
        _ => exception.InnerException is { } inner && IsOutage(inner, requestAborted),
    };
}

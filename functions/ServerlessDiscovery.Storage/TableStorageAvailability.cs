using Azure;
using ServerlessDiscovery.Domain.Availability;

namespace ServerlessDiscovery.Storage;

/// <summary>
/// Table Storage's availability (<see cref="IStorageAvailability"/>): an outage is what Azure.Core reports as a network
/// failure (status 0), a timeout, throttling or a server-side failure (408, 429, 5xx), or a connection that broke; a
/// request the service refused on its merits (400, 403, 404, 409, 412) is not. The probe lists one table.
/// </summary>
internal sealed class TableStorageAvailability(TableStore store) : IStorageAvailability
{
    public bool IsOutage(Exception exception, CancellationToken requestAborted = default) => exception switch
    {
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or TimeoutException or System.Net.Sockets.SocketException or IOException => true,
        // A cancellation the caller did not ask for is a timeout of ours (a per-call deadline).
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        AggregateException a => a.InnerExceptions.Count > 0 && a.InnerExceptions.All(e => IsOutage(e, requestAborted)),
        _ => exception.InnerException is { } inner && IsOutage(inner, requestAborted),
    };

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken = default)
    {
        string endpoint = store.Service.Uri.GetLeftPart(UriPartial.Authority);
        try
        {
            await store.PingAsync(cancellationToken);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            return $"Table Storage at {endpoint} refused the request ({ex.Status} {ex.ErrorCode}).";
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException)
        {
            // Azure.Core reports a network failure as status 0, and one that outlasted every retry as an AggregateException.
            return $"Table Storage at {endpoint} is unreachable: {ex.GetType().Name}.";
        }
    }
}

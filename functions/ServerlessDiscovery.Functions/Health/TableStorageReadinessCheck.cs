using Azure;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Functions.Health;

internal sealed class TableStorageReadinessCheck(TableStore store) : IReadinessCheck
{
    public string Name => "tableStorage";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
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

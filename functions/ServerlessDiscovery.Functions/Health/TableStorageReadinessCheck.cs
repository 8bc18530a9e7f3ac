using ServerlessDiscovery.Engine.Storage;
using ServerlessDiscovery.Tables;

namespace ServerlessDiscovery.Functions.Health;

internal sealed class TableStorageReadinessCheck(TableStore store) : IReadinessCheck
{
    public string Name => "tableStorage";

    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.Service.GetTableNamesAsync(1, cancellationToken);
            return null;
        }
        catch (TableRequestFailedException ex)
        {
            return $"Table Storage at {store.Service.Endpoint.GetLeftPart(UriPartial.Authority)} refused the request ({ex.Status} {ex.ErrorCode}).";
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException or Azure.Identity.AuthenticationFailedException)
        {
            return $"Table Storage at {store.Service.Endpoint.GetLeftPart(UriPartial.Authority)} is unreachable: {ex.GetType().Name}.";
        }
    }
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins;

/// <summary>Runs one scope of a scan and reports how it ended, so plugins contain failures the same way.</summary>
public static partial class DiscoverySinkExtensions
{
    /// <summary>
    /// Runs <paramref name="scan"/>; reports <paramref name="scope"/> completed when it returns, or failed when it throws
    /// a provider failure (<see cref="ProviderException"/>, or a JSON shape error from reading the reply), or unavailable
    /// when it throws <see cref="ScopeUnavailableException"/>. Cancellation and programming errors propagate. Returns
    /// whether the scope completed.
    /// </summary>
    public static async Task<bool> RunScopeAsync(this IDiscoverySink sink, string scope, Func<CancellationToken, Task> scan, ILogger logger, string provider, CancellationToken cancellationToken = default)
    {
        try
        {
            await scan(cancellationToken).ConfigureAwait(false);
            sink.ScopeCompleted(scope);
            return true;
        }
        catch (ScopeUnavailableException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogScopeUnavailable(logger, provider, scope, ex.Message);
            sink.ScopeUnavailable(scope, ex.Message);
            return false;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is ProviderException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // Only a ProviderException's message is known to be free of secrets; the others are summarised.
            string reason = ex is ProviderException ? ex.Message : $"{provider} returned a response of an unexpected shape ({ex.GetType().Name}).";
            LogScopeFailed(logger, provider, scope, reason);
            sink.ScopeFailed(scope, reason);
            return false;
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "{Provider} scope {Scope} failed: {Reason}")]
    private static partial void LogScopeFailed(ILogger logger, string provider, string scope, string reason);

    [LoggerMessage(EventId = 3090, Level = LogLevel.Information, Message = "{Provider} scope {Scope} is not available on this source: {Reason}")]
    private static partial void LogScopeUnavailable(ILogger logger, string provider, string scope, string reason);
}

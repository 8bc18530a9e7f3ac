using System.Text.Json;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Plugins.Http;

namespace ServerlessDiscovery.Plugins;

/// <summary>How a scope run by <see cref="DiscoverySinkExtensions.RunScopeAsync(IDiscoverySink, string, Func{ScopeRun, CancellationToken, Task}, ILogger, string, Func{ProviderException, bool}?, CancellationToken)"/> ended.</summary>
public enum ScopeOutcome
{
    Completed,

    /// <summary>Some items failed (each a warning); the others were reported.</summary>
    Incomplete,

    /// <summary>The source does not offer what the scope reads.</summary>
    Unavailable,

    Failed,
}

/// <summary>Runs one scope of a scan and reports how it ended, so plugins contain failures the same way.</summary>
public static partial class DiscoverySinkExtensions
{
    /// <summary>
    /// Runs <paramref name="scan"/>; reports <paramref name="scope"/> completed when it returns, unavailable when it throws
    /// <see cref="ScopeUnavailableException"/>, or failed when it throws a provider failure (<see cref="ProviderException"/>,
    /// or a JSON shape error from reading the reply). Cancellation and programming errors propagate. Returns whether the
    /// scope completed.
    /// </summary>
    public static async Task<bool> RunScopeAsync(this IDiscoverySink sink, string scope, Func<CancellationToken, Task> scan, ILogger logger, string provider, CancellationToken cancellationToken = default) =>
        await sink.RunScopeAsync(scope, (_, ct) => scan(ct), logger, provider, null, cancellationToken).ConfigureAwait(false) == ScopeOutcome.Completed;

    /// <summary>
    /// Runs <paramref name="scan"/>, which reads items through <see cref="ScopeRun.ItemAsync"/> so that one failing item
    /// is a warning while its siblings are reported. Reports the scope completed, incomplete (an item failed), unavailable
    /// (the scan threw <see cref="ScopeUnavailableException"/>, or a <see cref="ProviderException"/> that
    /// <paramref name="isUnavailable"/> accepts: a feature not enabled, an API not offered here) or failed (any other provider failure).
    /// </summary>
    public static async Task<ScopeOutcome> RunScopeAsync(
        this IDiscoverySink sink,
        string scope,
        Func<ScopeRun, CancellationToken, Task> scan,
        ILogger logger,
        string provider,
        Func<ProviderException, bool>? isUnavailable,
        CancellationToken cancellationToken = default)
    {
        var run = new ScopeRun(sink, scope, logger, provider);
        try
        {
            await scan(run, cancellationToken).ConfigureAwait(false);
        }
        catch (ScopeUnavailableException ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogScopeUnavailable(logger, provider, scope, ex.Message);
            sink.ScopeUnavailable(scope, ex.Message);
            return ScopeOutcome.Unavailable;
        }
        catch (ProviderException ex) when (!cancellationToken.IsCancellationRequested && isUnavailable?.Invoke(ex) == true)
        {
            LogScopeUnavailable(logger, provider, scope, ex.Message);
            sink.ScopeUnavailable(scope, ex.Message);
            return ScopeOutcome.Unavailable;
        }
        catch (Exception ex) when (IsProviderFailure(ex, cancellationToken))
        {
            string reason = Reason(ex, provider);
            LogScopeFailed(logger, provider, scope, reason);
            sink.ScopeFailed(scope, reason);
            return ScopeOutcome.Failed;
        }

        if (run.FailedItems > 0)
        {
            return ScopeOutcome.Incomplete;
        }

        sink.ScopeCompleted(scope);
        return ScopeOutcome.Completed;
    }

    internal static bool IsProviderFailure(Exception ex, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && ex is ProviderException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException;

    /// <summary>Only a ProviderException's message is known to be free of secrets; the others are summarised.</summary>
    internal static string Reason(Exception ex, string provider) =>
        ex is ProviderException ? ex.Message : $"{provider} returned a response of an unexpected shape ({ex.GetType().Name}).";

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "{Provider} scope {Scope} failed: {Reason}")]
    private static partial void LogScopeFailed(ILogger logger, string provider, string scope, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "{Provider} scope {Scope} is not available on this source: {Reason}")]
    private static partial void LogScopeUnavailable(ILogger logger, string provider, string scope, string reason);
}

/// <summary>One scope being read: reads its items so that one failing item is a warning, not a failed scope.</summary>
public sealed partial class ScopeRun
{
    private readonly ILogger _logger;
    private readonly string _provider;
    private int _failedItems;

    internal ScopeRun(IDiscoverySink sink, string scope, ILogger logger, string provider)
    {
        Sink = sink;
        Scope = scope;
        _logger = logger;
        _provider = provider;
    }

    public IDiscoverySink Sink { get; }

    public string Scope { get; }

    /// <summary>How many items failed so far.</summary>
    public int FailedItems => Volatile.Read(ref _failedItems);

    /// <summary>
    /// Reads one item (<paramref name="item"/> names it in the warning). A provider failure or a reply of an unexpected
    /// shape becomes a warning on the scope (<see cref="IDiscoverySink.ScopeIncomplete"/>) and returns false; cancellation
    /// propagates.
    /// </summary>
    public async Task<bool> ItemAsync(string item, Func<CancellationToken, Task> read, CancellationToken cancellationToken = default)
    {
        try
        {
            await read(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (DiscoverySinkExtensions.IsProviderFailure(ex, cancellationToken))
        {
            Interlocked.Increment(ref _failedItems);
            string warning = $"{item}: {DiscoverySinkExtensions.Reason(ex, _provider)}";
            LogItemFailed(_logger, _provider, Scope, warning);
            Sink.ScopeIncomplete(Scope, warning);
            return false;
        }
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "{Provider} scope {Scope} is incomplete: {Warning}")]
    private static partial void LogItemFailed(ILogger logger, string provider, string scope, string warning);
}

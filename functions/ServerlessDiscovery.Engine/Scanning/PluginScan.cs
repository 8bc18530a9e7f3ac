using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Engine.Scanning;

/// <summary>
/// Runs one plugin's discovery under a timeout: the one way both the service (<see cref="ScanRunner"/>) and one-shot
/// scans (<see cref="DetachedScan"/>) start a plugin.
/// </summary>
internal static class PluginScan
{
    /// <summary>
    /// Creates the plugin and streams its findings into <paramref name="sink"/>. Returns null when discovery finished,
    /// otherwise why it did not (timeout or the plugin's exception; not yet scrubbed of secrets). Throws only when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public static async Task<string?> RunAsync(
        IPluginType type, PluginConfiguration configuration, PluginContext context, IDiscoverySink sink, TimeSpan timeout, string timeoutSetting, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await using IPlugin plugin = type.Create(configuration, context);

            // The plugin runs on its own task so that one which blocks without awaiting cannot hold the timeout hostage.
            Task discovery = Task.Run(() => plugin.DiscoverAsync(sink, timeoutSource.Token), timeoutSource.Token);
            await discovery.WaitAsync(timeoutSource.Token);
            return null;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"The scan did not finish within {timeoutSetting} ({timeout}); nothing was written.";
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return $"The plugin failed: {ex.GetType().Name}: {ex.Message}. Nothing was written.";
        }
    }
}

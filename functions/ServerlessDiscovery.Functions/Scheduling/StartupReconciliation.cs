using ServerlessDiscovery.Engine.Instances;

namespace ServerlessDiscovery.Functions.Scheduling;

/// <summary>
/// Writes the instances declared in app settings to the store once at start, in the background so that start-up
/// (and /healthz) does not wait for storage. Every tick reconciles again, so a failure here only delays it.
/// </summary>
internal sealed partial class StartupReconciliation(InstanceReconciler reconciler, ILogger<StartupReconciliation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await reconciler.ReconcileAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogReconcileFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Reconciling configured plugin instances at start failed ({ErrorType}: {Error}); the next tick retries")]
    private static partial void LogReconcileFailed(ILogger logger, string errorType, string error);
}

namespace ServerlessDiscovery.Functions.Hosting;

/// <summary>
/// Functions: the Azure Functions host owns the triggers and calls us on FUNCTIONS_CUSTOMHANDLER_PORT.
/// Standalone: we schedule our own timers and dispatch events in-process.
/// </summary>
public enum HostingMode
{
    Standalone,
    Functions,
}

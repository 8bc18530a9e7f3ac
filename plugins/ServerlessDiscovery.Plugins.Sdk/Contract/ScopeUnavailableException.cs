namespace ServerlessDiscovery.Plugins;

/// <summary>
/// Thrown inside <see cref="DiscoverySinkExtensions.RunScopeAsync"/> when the source does not offer the scope at all
/// (feature off, no database, API absent in a region): the scope is reported with
/// <see cref="IDiscoverySink.ScopeUnavailable"/>, not failed. The message must hold no secret.
/// </summary>
public sealed class ScopeUnavailableException : Exception
{
    public ScopeUnavailableException()
    {
    }

    public ScopeUnavailableException(string message)
        : base(message)
    {
    }

    public ScopeUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

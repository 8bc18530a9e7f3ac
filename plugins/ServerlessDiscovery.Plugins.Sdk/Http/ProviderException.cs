namespace ServerlessDiscovery.Plugins.Http;

/// <summary>A provider refused or garbled a request. The message names the provider, the operation and the status, never a credential.</summary>
public sealed class ProviderException : Exception
{
    public ProviderException(string message, int? status = null, string? errorCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
    }

    public ProviderException()
    {
    }

    public ProviderException(string message)
        : base(message)
    {
    }

    public ProviderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status, or null for a network failure or a malformed response.</summary>
    public int? Status { get; }

    /// <summary>The provider's own error code when it sent one (AccessDeniedException, PERMISSION_DENIED, ...).</summary>
    public string? ErrorCode { get; }

    public bool IsAccessDenied => Status is 401 or 403;
}

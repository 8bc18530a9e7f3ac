namespace ServerlessDiscovery.Plugins;

/// <summary>
/// An instance configured with a tenant-bound API key names no credential of its own, and may not fall back to the
/// host's identity. The message names the configuration field to set; it is a configuration error, not a provider's.
/// </summary>
public sealed class HostIdentityNotPermittedException : Exception
{
    public HostIdentityNotPermittedException(string missingField, string hostIdentity)
        : base($"config.{missingField} is required: this instance was configured with a tenant-bound API key, and only instances the operator owns "
            + $"(Plugins__{{id}}__* app settings, or an admin key) may use the host's own identity ({hostIdentity}).")
    {
        MissingField = missingField;
    }

    public HostIdentityNotPermittedException()
    {
        MissingField = string.Empty;
    }

    public HostIdentityNotPermittedException(string message)
        : base(message)
    {
        MissingField = string.Empty;
    }

    public HostIdentityNotPermittedException(string message, Exception innerException)
        : base(message, innerException)
    {
        MissingField = string.Empty;
    }

    /// <summary>The configuration field whose absence made the plugin reach for the host's identity.</summary>
    public string MissingField { get; }
}

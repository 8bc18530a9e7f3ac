namespace ServerlessDiscovery.Cli;

/// <summary>What `sd` exits with.</summary>
internal static class ExitCodes
{
    /// <summary>Everything asked for was done (sd scan: every scope fully observed).</summary>
    public const int Ok = 0;

    /// <summary>Something failed: a scope or source (sd scan), a request or a scan run (remote commands).</summary>
    public const int Failed = 1;

    /// <summary>Bad configuration or usage; the message names the field or option.</summary>
    public const int BadConfiguration = 2;
}

/// <summary>A configuration or usage error: printed as is (it names the field to fix) and exits with <see cref="ExitCodes.BadConfiguration"/>.</summary>
internal sealed class SdConfigurationException(string message) : Exception(message);

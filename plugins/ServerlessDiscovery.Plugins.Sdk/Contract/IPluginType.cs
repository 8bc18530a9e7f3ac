using ServerlessDiscovery.Plugins.Configuration;

namespace ServerlessDiscovery.Plugins;

/// <summary>
/// A plugin type: what it is (metadata) and how to make an instance of it from a validated configuration.
/// Implementations are public, sealed, have a parameterless constructor, and are found at start-up from the loaded assemblies.
/// </summary>
public interface IPluginType
{
    PluginMetadata Metadata { get; }

    /// <summary>Checks beyond the declared fields (a field that depends on another). Field types and required-ness are already checked.</summary>
    IEnumerable<ConfigError> Validate(PluginConfiguration configuration) => [];

    /// <summary>Makes an instance. <paramref name="configuration"/> has passed validation; secrets are decrypted.</summary>
    IPlugin Create(PluginConfiguration configuration, PluginContext context);
}

/// <summary>One configured instance of a plugin type, alive for one verify or one scan.</summary>
public interface IPlugin : IAsyncDisposable
{
    /// <summary>Checks credentials and reachability with one cheap call per service. Never throws for a provider's failure.</summary>
    Task<VerifyResult> VerifyConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams assets and edges into <paramref name="sink"/> and reports, per scope, whether it was fully observed.
    /// A provider's failure in one scope is reported with <see cref="IDiscoverySink.ScopeFailed"/>, never thrown;
    /// only cancellation may end this method with an exception.
    /// </summary>
    Task DiscoverAsync(IDiscoverySink sink, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IPlugin.VerifyConnectionAsync"/>.</summary>
public sealed record VerifyResult(bool Success, string? Error = null)
{
    public static VerifyResult Ok { get; } = new(true);

    public static VerifyResult Fail(string error) => new(false, error);
}

using System.Reflection;

namespace ServerlessDiscovery.Plugins;

/// <summary>The version of this SDK, as the host that loads plugins reports it and checks their declared range against.</summary>
public static class PluginSdk
{
    /// <summary>This SDK's semantic version (plugins/ServerlessDiscovery.Plugins.Sdk/Version.props, without build metadata).</summary>
    public static string Version { get; } = ReadVersion();

    private static string ReadVersion()
    {
        string informational = typeof(PluginSdk).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        int metadata = informational.IndexOf('+', StringComparison.Ordinal);
        return metadata < 0 ? informational : informational[..metadata];
    }
}

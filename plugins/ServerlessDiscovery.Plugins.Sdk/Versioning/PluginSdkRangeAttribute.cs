namespace ServerlessDiscovery.Plugins;

/// <summary>
/// Declares the SDK versions a plugin assembly was built for, in NuGet's version-range notation: "[1.0.0, 2.0.0)" is
/// every 1.x. The host refuses to load a plugin assembly loaded from its plugin folder that declares no range or a
/// range that does not include its own SDK version (<see cref="PluginSdk.Version"/>).
/// </summary>
/// <param name="range">A NuGet version range, such as "[1.0.0, 2.0.0)".</param>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class PluginSdkRangeAttribute(string range) : Attribute
{
    /// <summary>The declared range, as written.</summary>
    public string Range { get; } = range;
}

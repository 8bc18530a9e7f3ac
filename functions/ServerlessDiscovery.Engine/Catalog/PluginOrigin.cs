namespace ServerlessDiscovery.Engine.Catalog;

/// <summary>Where a plugin type came from, as /api/v1/plugin-types reports it.</summary>
/// <param name="Source"><see cref="BuiltIn"/>, or the path of the plugin package or folder it was loaded from.</param>
/// <param name="Package">The package or folder name (null for built-in types).</param>
/// <param name="AssemblyVersion">The informational version of the assembly that holds the type.</param>
/// <param name="SdkRange">The SDK range the plugin declares; for built-in types, the host's own SDK version.</param>
public sealed record PluginOrigin(string Source, string? Package, string AssemblyVersion, string SdkRange)
{
    public const string BuiltIn = "built-in";

    public bool IsBuiltIn => Source == BuiltIn;
}

/// <summary>A plugin package or folder the host would not load, and why (the message names it).</summary>
public sealed record PluginRefusal(string Package, string Path, string Reason);

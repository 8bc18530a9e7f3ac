using System.Reflection;
using System.Runtime.Loader;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Catalog.Loading;

/// <summary>
/// One plugin's own load context. The SDK is always the host's (so <see cref="IPluginType"/> is one type on both
/// sides), and so is every assembly the host already ships (the framework, Microsoft.Extensions.*, the SDK's
/// dependencies) at a version the host has; anything else comes from the plugin's own folder.
/// </summary>
internal sealed class PluginLoadContext(string name, string folder) : AssemblyLoadContext($"plugin:{name}")
{
    private static readonly Assembly Sdk = typeof(IPluginType).Assembly;

    /// <summary>Assembly names the host resolves itself: its trusted platform assemblies (framework and its own deps.json).</summary>
    public static IReadOnlySet<string> HostAssemblies { get; } = ReadHostAssemblies();

    public static string SdkName { get; } = Sdk.GetName().Name!;

    /// <summary>True when an assembly of this name is the host's to provide, not the plugin's.</summary>
    public static bool IsShared(string assemblyName) => assemblyName == SdkName || HostAssemblies.Contains(assemblyName);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name == SdkName)
        {
            return Sdk;
        }

        if (assemblyName.Name is { } simple && HostAssemblies.Contains(simple))
        {
            try
            {
                return Default.LoadFromAssemblyName(assemblyName);
            }
            catch (FileLoadException)
            {
                // The plugin needs a newer version than the host ships: it keeps its own copy, if it brought one.
            }
        }

        string path = Path.Combine(folder, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static HashSet<string> ReadHostAssemblies()
    {
        string list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty;
        return list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
    }
}

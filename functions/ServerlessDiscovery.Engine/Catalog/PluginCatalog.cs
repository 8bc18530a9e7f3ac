using System.Reflection;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Catalog;

/// <summary>
/// Every plugin type this process knows: found at start-up in the loaded assemblies (the plugin projects are
/// deployed beside the executable as ServerlessDiscovery.Plugins.*.dll), plus any registered in DI.
/// </summary>
public sealed class PluginCatalog
{
    private readonly Dictionary<string, IPluginType> _types;

    public PluginCatalog(IEnumerable<IPluginType> registered)
    {
        _types = new Dictionary<string, IPluginType>(StringComparer.Ordinal);
        foreach (IPluginType type in Discover().Concat(registered))
        {
            _types[type.Metadata.TypeId] = type;
        }
    }

    public IReadOnlyCollection<IPluginType> Types => _types.Values;

    public IPluginType? Find(string typeId) => _types.GetValueOrDefault(typeId);

    private static IEnumerable<IPluginType> Discover()
    {
        LoadPluginAssemblies();
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (assembly.IsDynamic || !(assembly.GetName().Name ?? string.Empty).StartsWith("ServerlessDiscovery.Plugins", StringComparison.Ordinal))
            {
                continue;
            }

            Type[] types;
            try
            {
                types = assembly.GetExportedTypes();
            }
            catch (ReflectionTypeLoadException ex)
            {
                types = [.. ex.Types.OfType<Type>()];
            }

            foreach (Type type in types)
            {
                if (type is { IsClass: true, IsAbstract: false } && typeof(IPluginType).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
                {
                    yield return (IPluginType)Activator.CreateInstance(type)!;
                }
            }
        }
    }

    /// <summary>Loads plugin assemblies deployed beside the executable that nothing has referenced yet.</summary>
    private static void LoadPluginAssemblies()
    {
        var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).ToHashSet(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(AppContext.BaseDirectory, "ServerlessDiscovery.Plugins.*.dll"))
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (loaded.Contains(name))
            {
                continue;
            }

            try
            {
                Assembly.Load(new AssemblyName(name));
            }
            catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // A file that only looks like a plugin (not in this app's dependency graph): not ours to load.
            }
        }
    }
}

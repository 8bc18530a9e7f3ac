using System.Reflection;
using System.Runtime.Loader;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.Catalog.Loading;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Catalog;

/// <summary>
/// Every plugin type this process knows: the built-in ones found at start-up in the loaded assemblies (the plugin
/// projects are deployed beside the executable as ServerlessDiscovery.Plugins.*.dll), any registered in DI, and those
/// loaded from the plugin folder (<see cref="PluginPackagesOptions"/>), each of those in its own load context. A plugin
/// package that cannot be loaded is refused with a logged reason naming it, and the others start.
/// </summary>
public sealed partial class PluginCatalog
{
    private readonly Dictionary<string, IPluginType> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PluginOrigin> _origins = new(StringComparer.Ordinal);

    public PluginCatalog(IEnumerable<IPluginType> registered, ILogger<PluginCatalog>? logger = null, IOptions<PluginPackagesOptions>? packages = null)
    {
        ILogger log = logger ?? NullLogger<PluginCatalog>.Instance;
        foreach (IPluginType type in Discover().Concat(registered))
        {
            _types[type.Metadata.TypeId] = type;
            _origins[type.Metadata.TypeId] = BuiltInOrigin(type);
        }

        PluginPackagesOptions options = packages?.Value ?? new PluginPackagesOptions();
        string? folder = options.ResolveFolder();
        if (folder is null || !Directory.Exists(folder))
        {
            Refused = [];
            return;
        }

        Dictionary<string, string> taken = _types.Keys.ToDictionary(id => id, id => $"built-in {_types[id].GetType().Assembly.GetName().Name}", StringComparer.Ordinal);
        PluginLoadResult result = new PluginPackageLoader(options.MaxUnpackedBytes).LoadFolder(folder, taken);
        foreach (LoadedPluginType loaded in result.Loaded)
        {
            _types[loaded.Type.Metadata.TypeId] = loaded.Type;
            _origins[loaded.Type.Metadata.TypeId] = loaded.Origin;
            LogLoaded(log, loaded.Type.Metadata.TypeId, loaded.Origin.Package!, loaded.Type.Metadata.Version, loaded.Origin.SdkRange);
        }

        foreach (PluginRefusal refusal in result.Refused)
        {
            LogRefused(log, refusal.Package, refusal.Reason);
        }

        Refused = result.Refused;
    }

    public IReadOnlyCollection<IPluginType> Types => _types.Values;

    /// <summary>Plugin packages of the plugin folder that were not loaded, with why.</summary>
    public IReadOnlyList<PluginRefusal> Refused { get; }

    public IPluginType? Find(string typeId) => _types.GetValueOrDefault(typeId);

    /// <summary>Where a known type came from: built in, or the plugin package it was loaded from.</summary>
    public PluginOrigin OriginOf(string typeId) => _origins[typeId];

    private static PluginOrigin BuiltInOrigin(IPluginType type)
    {
        Assembly assembly = type.GetType().Assembly;
        string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        return new PluginOrigin(PluginOrigin.BuiltIn, null, version, PluginSdk.Version);
    }

    private static IEnumerable<IPluginType> Discover()
    {
        LoadPluginAssemblies();
        foreach (Assembly assembly in AppDomain.CurrentDomain.GetAssemblies())
        {
            // Plugins from the plugin folder live in load contexts of their own and are loaded (and checked) apart.
            if (assembly.IsDynamic || AssemblyLoadContext.GetLoadContext(assembly) != AssemblyLoadContext.Default
                || !(assembly.GetName().Name ?? string.Empty).StartsWith("ServerlessDiscovery.Plugins", StringComparison.Ordinal))
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

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "Plugin type {TypeId} {Version} loaded from plugin package '{Package}' (SDK range {SdkRange}).")]
    private static partial void LogLoaded(ILogger logger, string typeId, string package, string version, string sdkRange);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "{Reason} The other plugins start; plugin package '{Package}' is not loaded.")]
    private static partial void LogRefused(ILogger logger, string package, string reason);
}

using System.Reflection;
using NuGet.Versioning;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Engine.Catalog.Loading;

/// <summary>A plugin type loaded from a plugin package, with where it came from.</summary>
public sealed record LoadedPluginType(IPluginType Type, PluginOrigin Origin);

/// <summary>What loading a plugin folder (or one package) gave: the types that loaded and the packages refused.</summary>
public sealed record PluginLoadResult(IReadOnlyList<LoadedPluginType> Loaded, IReadOnlyList<PluginRefusal> Refused);

/// <summary>
/// Loads plugins built outside this repository, each package in its own <see cref="PluginLoadContext"/>. A package is
/// loaded whole or not at all: it is refused, with a reason naming it, when it cannot be read or loaded, declares no
/// <see cref="PluginSdkRangeAttribute"/> or one that excludes this host's <see cref="PluginSdk.Version"/>, has no
/// plugin type, a plugin type's constructor or metadata throws, or a type id is already taken.
/// </summary>
public sealed class PluginPackageLoader(long maxUnpackedBytes = 256L * 1024 * 1024)
{
    private static readonly string RangeAttribute = typeof(PluginSdkRangeAttribute).FullName!;

    /// <summary>Loads every entry of <paramref name="folder"/> (each <c>.nupkg</c> and each sub-folder), in name order.</summary>
    /// <param name="taken">Type ids already in use, with who provides them; loaded types are added to it.</param>
    public PluginLoadResult LoadFolder(string folder, IDictionary<string, string> taken)
    {
        var loaded = new List<LoadedPluginType>();
        var refused = new List<PluginRefusal>();
        IEnumerable<string> entries = Directory.EnumerateFiles(folder, "*.nupkg").Concat(Directory.EnumerateDirectories(folder)).Order(StringComparer.Ordinal);
        foreach (string entry in entries)
        {
            PluginLoadResult one = Load(entry, taken);
            loaded.AddRange(one.Loaded);
            refused.AddRange(one.Refused);
        }

        return new PluginLoadResult(loaded, refused);
    }

    /// <summary>Loads one plugin: a <c>.nupkg</c>, an unpacked folder, or one assembly.</summary>
    public PluginLoadResult Load(string path, IDictionary<string, string> taken)
    {
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        try
        {
            IReadOnlyList<LoadedPluginType> types = LoadTypes(name, Path.GetFullPath(path), taken);
            foreach (LoadedPluginType type in types)
            {
                taken[type.Type.Metadata.TypeId] = $"plugin '{name}'";
            }

            return new PluginLoadResult(types, []);
        }
        catch (PluginPackageException ex)
        {
            return new PluginLoadResult([], [new PluginRefusal(name, path, $"Plugin '{name}' refused: it {ex.Message}.")]);
        }
    }

    private List<LoadedPluginType> LoadTypes(string name, string path, IDictionary<string, string> taken)
    {
        (string folder, IReadOnlyList<string> files) = PluginPackageFiles.Resolve(path, maxUnpackedBytes);
        var context = new PluginLoadContext(name, folder);
        var types = new List<LoadedPluginType>();
        foreach (Assembly assembly in PluginAssemblies(context, files))
        {
            string range = CheckSdkRange(assembly);
            string version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
            foreach (IPluginType type in CreateTypes(assembly))
            {
                string typeId = type.Metadata.TypeId;
                if (taken.TryGetValue(typeId, out string? owner) || types.Any(t => t.Type.Metadata.TypeId == typeId))
                {
                    throw new PluginPackageException($"declares type id '{typeId}' ({type.GetType().FullName}), which {owner ?? "another of its types"} already provides");
                }

                types.Add(new LoadedPluginType(type, new PluginOrigin(path, name, version, range)));
            }
        }

        return types.Count == 0 ? throw new PluginPackageException("has no public plugin type (a public class implementing IPluginType with a parameterless constructor)") : types;
    }

    /// <summary>The assemblies of the entry that reference the SDK; those the host itself ships are the host's.</summary>
    private static List<Assembly> PluginAssemblies(PluginLoadContext context, IReadOnlyList<string> files)
    {
        var plugins = new List<Assembly>();
        foreach (string file in files)
        {
            AssemblyName assemblyName;
            Assembly assembly;
            try
            {
                assemblyName = AssemblyName.GetAssemblyName(file);
                if (PluginLoadContext.IsShared(assemblyName.Name!))
                {
                    continue;
                }

                assembly = context.LoadFromAssemblyName(assemblyName);
            }
            catch (Exception ex) when (ex is BadImageFormatException or FileLoadException or FileNotFoundException)
            {
                throw new PluginPackageException($"fails to load {Path.GetFileName(file)}: {ex.Message}");
            }

            if (assembly.GetReferencedAssemblies().Any(r => r.Name == PluginLoadContext.SdkName))
            {
                plugins.Add(assembly);
            }
        }

        return plugins.Count == 0 ? throw new PluginPackageException($"has no assembly that references {PluginLoadContext.SdkName}") : plugins;
    }

    /// <summary>The declared range, checked against this host's SDK; read as data so an unusual attribute cannot run code.</summary>
    private static string CheckSdkRange(Assembly assembly)
    {
        string assemblyName = assembly.GetName().Name!;
        string? declared = assembly.GetCustomAttributesData()
            .Where(a => a.AttributeType.FullName == RangeAttribute)
            .Select(a => a.ConstructorArguments.FirstOrDefault().Value as string)
            .FirstOrDefault();
        if (string.IsNullOrWhiteSpace(declared))
        {
            throw new PluginPackageException($"declares no SDK range: {assemblyName} needs [assembly: PluginSdkRange(\"[{PluginSdk.Version}, {NuGetVersion.Parse(PluginSdk.Version).Major + 1}.0.0)\")]");
        }

        if (!VersionRange.TryParse(declared, out VersionRange? range))
        {
            throw new PluginPackageException($"declares SDK range '{declared}' ({assemblyName}), which is not a NuGet version range such as [1.0.0, 2.0.0)");
        }

        return range.Satisfies(NuGetVersion.Parse(PluginSdk.Version))
            ? declared
            : throw new PluginPackageException($"was built for SDK {declared} ({assemblyName}); this host's SDK is {PluginSdk.Version}");
    }

    private static List<IPluginType> CreateTypes(Assembly assembly)
    {
        Type[] exported;
        try
        {
            exported = assembly.GetExportedTypes();
        }
        catch (Exception ex) when (ex is ReflectionTypeLoadException or TypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new PluginPackageException($"has types that cannot be loaded ({assembly.GetName().Name}): {ex.Message}");
        }

        var types = new List<IPluginType>();
        foreach (Type type in exported.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IPluginType).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            try
            {
                var plugin = (IPluginType)Activator.CreateInstance(type)!;
                _ = plugin.Metadata.TypeId.Length;
                types.Add(plugin);
            }
            catch (Exception ex)
            {
                Exception cause = ex is TargetInvocationException { InnerException: { } inner } ? inner : ex;
                throw new PluginPackageException($"cannot create plugin type {type.FullName}: its constructor or metadata threw {cause.GetType().Name}: {cause.Message}");
            }
        }

        return types;
    }
}

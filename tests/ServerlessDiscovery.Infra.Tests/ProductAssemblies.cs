using System.Reflection;
using System.Text.RegularExpressions;

namespace ServerlessDiscovery.Infra.Tests;

/// <summary>
/// The assemblies of the projects under functions/ (the executable and the layers beneath it), loaded by name so the
/// checks follow projects as they are added, split or renamed rather than naming their types.
/// </summary>
internal static partial class ProductAssemblies
{
    private static readonly Lazy<IReadOnlyList<Assembly>> LazyAll = new(Load);

    public static IReadOnlyList<Assembly> All => LazyAll.Value;

    /// <summary>Every type of every product assembly, including those a partial load could not resolve.</summary>
    public static IEnumerable<Type> Types() => All.SelectMany(a =>
    {
        try
        {
            return a.GetTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    });

    /// <summary>Values of the string constants (any visibility) of every product type.</summary>
    public static IEnumerable<string> StringConstants() =>
        Types().SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    private static List<Assembly> Load()
    {
        var assemblies = new List<Assembly>();
        // functions/<Project>/<Project>.csproj only: not the Worker SDK's generated projects under obj/.
        IEnumerable<string> projects = Directory.EnumerateDirectories(RepoPaths.Functions)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csproj", SearchOption.TopDirectoryOnly));
        foreach (string project in projects.Order(StringComparer.Ordinal))
        {
            Match name = AssemblyNameElement().Match(File.ReadAllText(project));
            string assemblyName = name.Success ? name.Groups["name"].Value : Path.GetFileNameWithoutExtension(project);
            assemblies.Add(Assembly.Load(new AssemblyName(assemblyName)));
        }

        Assert.True(assemblies.Count > 0, $"No projects under {RepoPaths.Functions}.");
        return assemblies;
    }

    [GeneratedRegex(@"<AssemblyName>(?<name>[^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameElement();
}

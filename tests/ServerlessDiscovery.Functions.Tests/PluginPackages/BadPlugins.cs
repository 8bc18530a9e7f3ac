using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerlessDiscovery.Plugins;

namespace ServerlessDiscovery.Functions.Tests.PluginPackages;

/// <summary>
/// Plugins that must be refused, compiled here with Roslyn against the host's SDK into unpacked plugin folders (a plugin
/// folder may hold a .nupkg or a folder of assemblies): one declaring an SDK range this host is outside of, one whose
/// constructor throws, one repeating a built-in type id. Roslyn in-process keeps this to seconds instead of three builds.
/// </summary>
internal static class BadPlugins
{
    public const string FutureSdk = "Acme.FutureSdk";
    public const string ThrowingConstructor = "Acme.ThrowingConstructor";
    public const string DuplicateTypeId = "Acme.DuplicateTypeId";

    public const string FutureRange = "[2.0.0, 3.0.0)";
    public const string ConstructorMessage = "gateway catalog unavailable at construction";

    private const string Body = """
        using ServerlessDiscovery.Plugins;
        using ServerlessDiscovery.Plugins.Configuration;
        [assembly: PluginSdkRange("RANGE")]
        namespace NAME;
        public sealed class BadPluginType : IPluginType
        {
            public BadPluginType() { CTOR }
            public PluginMetadata Metadata { get; } = new("TYPEID", "Bad", "A plugin the host must refuse.", "0.1.0", [AssetTypes.Model], [], []);
            public IPlugin Create(PluginConfiguration configuration, PluginContext context) => throw new System.NotSupportedException();
        }
        """;

    /// <summary>Writes the three into <paramref name="pluginFolder"/>, each as a folder named after its assembly.</summary>
    public static void WriteTo(string pluginFolder)
    {
        string current = $"[{PluginSdk.Version}, 99.0.0)";
        Compile(pluginFolder, FutureSdk, FutureRange, "future.sdk", string.Empty);
        Compile(pluginFolder, ThrowingConstructor, current, "acme.throwing", $"throw new System.InvalidOperationException(\"{ConstructorMessage}\");");
        Compile(pluginFolder, DuplicateTypeId, current, "litellm", string.Empty);
    }

    private static void Compile(string pluginFolder, string name, string range, string typeId, string constructor)
    {
        string source = Body.Replace("RANGE", range, StringComparison.Ordinal).Replace("NAME", name, StringComparison.Ordinal)
            .Replace("TYPEID", typeId, StringComparison.Ordinal).Replace("CTOR", constructor, StringComparison.Ordinal);
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        ImmutableArray<MetadataReference> references = [.. platform.Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll" or "mscorlib.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(IPluginType).Assembly.Location)];
        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string folder = Directory.CreateDirectory(Path.Combine(pluginFolder, name)).FullName;
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(Path.Combine(folder, name + ".dll"));
        Assert.True(result.Success, string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
    }
}

using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerlessDiscovery.Plugins;
using Xunit;

namespace ServerlessDiscovery.Testing;

/// <summary>
/// Plugin assemblies built outside the solution, compiled here with Roslyn against the host's SDK into unpacked plugin
/// folders (a plugin folder may hold a .nupkg or a folder of assemblies): seconds, where a `dotnet build` each would take
/// a minute on a loaded machine. Each is one plugin type whose discovery lists models at its <c>base_url</c> through the
/// host's HTTP (one scope, failed when the provider cannot be reached).
/// </summary>
public static class TestPlugins
{
    public const string FutureSdk = "Acme.FutureSdk";
    public const string ThrowingConstructor = "Acme.ThrowingConstructor";
    public const string DuplicateTypeId = "Acme.DuplicateTypeId";

    public const string FutureRange = "[2.0.0, 3.0.0)";
    public const string ConstructorMessage = "gateway catalog unavailable at construction";

    private const string Template = """
        using ServerlessDiscovery.Plugins;
        using ServerlessDiscovery.Plugins.Configuration;
        using ServerlessDiscovery.Plugins.Http;
        [assembly: PluginSdkRange("RANGE")]
        namespace NAME;
        public sealed class TestPluginType : IPluginType
        {
            public TestPluginType() { CTOR }
            public PluginMetadata Metadata { get; } = new("TYPEID", "Test plugin", "DESCRIPTION", "0.1.0", [AssetTypes.Model],
                [new ConfigField("base_url", "Base URL", ConfigFieldType.Url, Required: true), new ConfigField("KEYFIELD", "Key", ConfigFieldType.String, Required: true, Secret: SECRET)], []);
            public IPlugin Create(PluginConfiguration configuration, PluginContext context) => new TestPlugin(configuration.GetUrl("base_url")!, context);
        }
        internal sealed class TestPlugin(System.Uri baseUrl, PluginContext context) : IPlugin
        {
            private readonly ProviderHttpClient _http = context.CreateProviderClient("Test");
            public async System.Threading.Tasks.Task<VerifyResult> VerifyConnectionAsync(System.Threading.CancellationToken cancellationToken = default)
            {
                try { (await _http.GetJsonAsync("ListModels", new System.Uri(baseUrl, "v1/models"), null, cancellationToken)).Dispose(); return VerifyResult.Ok; }
                catch (ProviderException ex) { return VerifyResult.Fail(ex.Message); }
            }
            public System.Threading.Tasks.Task DiscoverAsync(IDiscoverySink sink, System.Threading.CancellationToken cancellationToken = default) =>
                sink.RunScopeAsync("test:" + baseUrl.Authority, async ct => (await _http.GetJsonAsync("ListModels", new System.Uri(baseUrl, "v1/models"), null, ct)).Dispose(),
                    Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, "Test", cancellationToken);
            public System.Threading.Tasks.ValueTask DisposeAsync() { _http.Dispose(); return System.Threading.Tasks.ValueTask.CompletedTask; }
        }
        """;

    /// <summary>The SDK range every 1.x plugin built against this host's SDK declares.</summary>
    public static string CurrentRange => $"[{PluginSdk.Version}, 99.0.0)";

    /// <summary>Writes the three plugins a host must refuse into <paramref name="pluginFolder"/>, each as a folder named after its assembly.</summary>
    public static void WriteRefused(string pluginFolder)
    {
        Compile(pluginFolder, FutureSdk, FutureRange, "future.sdk");
        Compile(pluginFolder, ThrowingConstructor, CurrentRange, "acme.throwing", constructor: $"throw new System.InvalidOperationException(\"{ConstructorMessage}\");");
        Compile(pluginFolder, DuplicateTypeId, CurrentRange, "litellm");
    }

    /// <summary>Compiles one plugin into <c>{pluginFolder}/{name}/{name}.dll</c> and returns that path; a null <paramref name="range"/> declares none.</summary>
    public static string Compile(
        string pluginFolder, string name, string? range, string typeId, string constructor = "", string description = "Lists models.", string keyField = "api_key", bool keySecret = true)
    {
        string template = range is null ? Template.Replace("[assembly: PluginSdkRange(\"RANGE\")]", string.Empty, StringComparison.Ordinal) : Template;
        string source = template.Replace("RANGE", range, StringComparison.Ordinal).Replace("NAME", name, StringComparison.Ordinal)
            .Replace("TYPEID", typeId, StringComparison.Ordinal).Replace("CTOR", constructor, StringComparison.Ordinal)
            .Replace("DESCRIPTION", description, StringComparison.Ordinal).Replace("KEYFIELD", keyField, StringComparison.Ordinal)
            .Replace("SECRET", keySecret ? "true" : "false", StringComparison.Ordinal);
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        ImmutableArray<MetadataReference> references = [.. platform
            .Where(p => Path.GetFileName(p) is { } file && (file.StartsWith("System.", StringComparison.Ordinal) || file.StartsWith("Microsoft.Extensions.Logging.Abstractions", StringComparison.Ordinal) || file is "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)), MetadataReference.CreateFromFile(typeof(IPluginType).Assembly.Location)];
        CSharpCompilation compilation = CSharpCompilation.Create(
            name,
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        string folder = Directory.CreateDirectory(Path.Combine(pluginFolder, name)).FullName;
        string dll = Path.Combine(folder, name + ".dll");
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(dll);
        Assert.True(result.Success, string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return dll;
    }
}

using System.IO.Compression;
using System.Runtime.Loader;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Catalog.Loading;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.PluginPackages;

/// <summary>The plugin loader on packages and folders made here (assemblies compiled with <see cref="TestPlugins"/>), in process.</summary>
public sealed class PluginPackageLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sd-loader-").FullName;

    [Fact]
    public void Load_Nupkg_LoadsTheTypeInItsOwnContextSharingTheHostsSdk()
    {
        string nupkg = Nupkg("Acme.Packed.1.2.3.nupkg", ("lib/net10.0/Acme.Packed.dll", File.ReadAllBytes(TestPlugins.Compile(Staging(), "Acme.Packed", TestPlugins.CurrentRange, "acme.packed"))));

        PluginLoadResult result = new PluginPackageLoader().Load(nupkg, new Dictionary<string, string>());

        Assert.Empty(result.Refused);
        LoadedPluginType loaded = Assert.Single(result.Loaded);
        Assert.Equal("acme.packed", loaded.Type.Metadata.TypeId);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(loaded.Type.GetType().Assembly));
        Assert.Same(typeof(IPluginType).Assembly, loaded.Type.GetType().GetInterfaces().Single(i => i.Name == nameof(IPluginType)).Assembly);
        Assert.Equal(new PluginOrigin(nupkg, "Acme.Packed.1.2.3.nupkg", loaded.Origin.AssemblyVersion, TestPlugins.CurrentRange), loaded.Origin);
    }

    [Fact]
    public void Load_AssemblyWithoutSdkRange_IsRefusedNamingTheAttributeToAdd()
    {
        string dll = TestPlugins.Compile(_folder, "Acme.NoRange", range: null, "acme.norange");

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader().Load(Path.GetDirectoryName(dll)!, new Dictionary<string, string>()).Refused);

        int major = int.Parse(PluginSdk.Version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"Plugin 'Acme.NoRange' refused: it declares no SDK range: Acme.NoRange needs [assembly: PluginSdkRange(\"[{PluginSdk.Version}, {major + 1}.0.0)\")].", refusal.Reason);
    }

    [Fact]
    public void Load_TypeIdTakenByAnEarlierPackage_IsRefusedNamingIt()
    {
        var taken = new Dictionary<string, string>();
        var loader = new PluginPackageLoader();
        Assert.Single(loader.Load(Path.GetDirectoryName(TestPlugins.Compile(_folder, "Acme.First", TestPlugins.CurrentRange, "acme.same"))!, taken).Loaded);

        PluginRefusal refusal = Assert.Single(loader.Load(Path.GetDirectoryName(TestPlugins.Compile(_folder, "Acme.Second", TestPlugins.CurrentRange, "acme.same"))!, taken).Refused);

        Assert.Contains("declares type id 'acme.same' (Acme.Second.TestPluginType), which plugin 'Acme.First' already provides", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NupkgWithAnEntryOutsideItsFolder_IsRefusedAndWritesNothingOutside()
    {
        string nupkg = Nupkg("Acme.Slip.1.0.0.nupkg", ("lib/net10.0/../../../escaped.dll", [1, 2, 3]));

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader().Load(nupkg, new Dictionary<string, string>()).Refused);

        Assert.Contains("has an entry outside its folder (lib/net10.0/../../../escaped.dll)", refusal.Reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "serverlessdiscovery-plugins", "escaped.dll")));
    }

    [Fact]
    public void Load_NupkgLargerUnpackedThanTheLimit_IsRefusedNamingTheSetting()
    {
        string nupkg = Nupkg("Acme.Big.1.0.0.nupkg", ("lib/net10.0/Acme.Big.dll", new byte[4096]));

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader(maxUnpackedBytes: 1024).Load(nupkg, new Dictionary<string, string>()).Refused);

        Assert.Contains("unpacks to more than 1024 bytes", refusal.Reason, StringComparison.Ordinal);
        Assert.Contains("PluginPackages__MaxUnpackedBytes", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NotAZip_IsRefusedAsAnInvalidNupkg()
    {
        string nupkg = Path.Combine(_folder, "Acme.Broken.1.0.0.nupkg");
        File.WriteAllText(nupkg, "not a zip");

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader().Load(nupkg, new Dictionary<string, string>()).Refused);

        Assert.StartsWith("Plugin 'Acme.Broken.1.0.0.nupkg' refused: it is not a valid .nupkg (zip)", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NupkgForANewerRuntimeOnly_IsRefusedNamingTheRuntime()
    {
        string nupkg = Nupkg("Acme.Future.1.0.0.nupkg", ("lib/net99.0/Acme.Future.dll", [1]));

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader().Load(nupkg, new Dictionary<string, string>()).Refused);

        Assert.Contains($"has no lib/net*/ folder that .NET {Environment.Version.Major} can run", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileThatIsNotAnAssembly_IsRefusedAsFailingToLoad()
    {
        string plugin = Directory.CreateDirectory(Path.Combine(_folder, "Acme.Garbage")).FullName;
        File.WriteAllText(Path.Combine(plugin, "Acme.Garbage.dll"), "MZ but not really");

        PluginRefusal refusal = Assert.Single(new PluginPackageLoader().Load(plugin, new Dictionary<string, string>()).Refused);

        Assert.StartsWith("Plugin 'Acme.Garbage' refused: it fails to load Acme.Garbage.dll", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Template_SdkVersionDefaults_MatchVersionProps()
    {
        XElement props = XElement.Load(Path.Combine(RepoRoot.Path, "plugins", "ServerlessDiscovery.Plugins.Sdk", "Version.props"));
        string version = props.Descendants("PluginSdkVersion").Single().Value;
        JsonObject template = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRoot.Path, "plugins", "ServerlessDiscovery.Plugins.Templates", "content", "plugin", ".template.config", "template.json")))!.AsObject();

        Assert.Equal(version, PluginSdk.Version);
        Assert.Equal(version, template["symbols"]!["SdkVersion"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal($"{int.Parse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture) + 1}.0.0", template["symbols"]!["SdkNextMajor"]!["defaultValue"]!.GetValue<string>());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Staging() => Directory.CreateDirectory(Path.Combine(_folder, "staging")).FullName;

    private string Nupkg(string name, params (string Entry, byte[] Content)[] entries)
    {
        string path = Path.Combine(_folder, name);
        using ZipArchive zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach ((string entry, byte[] content) in entries)
        {
            using Stream stream = zip.CreateEntry(entry).Open();
            stream.Write(content);
        }

        return path;
    }
}

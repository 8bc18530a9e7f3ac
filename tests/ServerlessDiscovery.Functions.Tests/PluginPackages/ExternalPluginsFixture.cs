using System.Diagnostics;
using System.Text;
using ServerlessDiscovery.Testing;

namespace ServerlessDiscovery.Functions.Tests.PluginPackages;

/// <summary>
/// What a plugin author outside the repository does, once for <see cref="ExternalPluginsTests"/>: pack the SDK, the
/// conformance suite and the template into a local feed (scripts/pack-plugin-sdk.sh), install the template into a private
/// hive, `dotnet new sd-plugin`, run the generated tests, `dotnet pack` the plugin into a plugin folder beside three
/// plugins that must be refused (<see cref="TestPlugins"/>), and start the real built app on that folder against Azurite.
/// </summary>
public sealed class ExternalPluginsFixture : IAsyncLifetime
{
    public const string PluginName = "Acme.Registry";
    public const string TypeId = "acme.registry";

    private readonly StringBuilder _timings = new();

    public string Root { get; } = Directory.CreateTempSubdirectory("sd-plugins-ext-").FullName;

    public string PluginFolder => Path.Combine(Root, "plugins");

    /// <summary>The generated test project's `dotnet test`: exit code and output.</summary>
    public (int ExitCode, string Output) TemplateTests { get; private set; }

    public AppProcess App { get; private set; } = null!;

    /// <summary>How long each step took, for the test log.</summary>
    public string Timings => _timings.ToString();

    public async Task InitializeAsync()
    {
        var cli = new DotnetCli(Root);
        string feed = Path.Combine(Root, "feed");
        string hive = Path.Combine(Root, "hive");
        string source = Path.Combine(Root, "src");

        await StepAsync("pack SDK, conformance and template", () => cli.RunAsync(RepoRoot.Path, "bash", ["scripts/pack-plugin-sdk.sh"], new Dictionary<string, string> { ["SD_PACKAGES_OUT"] = feed }));
        string template = Directory.EnumerateFiles(feed, "ServerlessDiscovery.Plugins.Templates.*.nupkg").Single();
        await StepAsync("dotnet new install", () => cli.RunAsync(Root, "dotnet", ["new", "install", template, "--debug:custom-hive", hive]));
        await StepAsync("dotnet new sd-plugin", () => cli.RunAsync(Root, "dotnet", ["new", "sd-plugin", "-n", PluginName, "-o", source, "--debug:custom-hive", hive]));
        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), NuGetConfig(feed));

        var watch = Stopwatch.StartNew();
        TemplateTests = await cli.RunAsync(source, "dotnet", ["test", $"{PluginName}.Tests", "-c", "Release", "-nologo"]);
        _timings.AppendLine($"dotnet test (generated project, restore and build included): {watch.Elapsed.TotalSeconds:F1} s");

        await StepAsync("dotnet pack (plugin)", () => cli.RunAsync(source, "dotnet", ["pack", PluginName, "-c", "Release", "-o", PluginFolder, "-nologo"]));
        watch.Restart();
        TestPlugins.WriteRefused(PluginFolder);
        _timings.AppendLine($"compile the three refused plugins (Roslyn): {watch.Elapsed.TotalSeconds:F1} s");

        watch.Restart();
        App = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = Azurite.ConnectionString,
            ["Storage__TablePrefix"] = Azurite.UniqueName("p"),
            ["AzureWebJobsStorage"] = Azurite.QueueConnectionString,
            ["DELIVERIES_QUEUE"] = Azurite.UniqueQueueName(),
            ["Secrets__EncryptionKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            [LoopbackAllowList.Setting.Replace(":", "__", StringComparison.Ordinal)] = LoopbackAllowList.Value,
            ["PluginPackages__Path"] = PluginFolder,
        });
        _timings.AppendLine($"start the app with the plugin folder: {watch.Elapsed.TotalSeconds:F1} s");
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }

    private async Task StepAsync(string name, Func<Task<(int ExitCode, string Output)>> step)
    {
        var watch = Stopwatch.StartNew();
        (int exitCode, string output) = await step();
        _timings.AppendLine($"{name}: {watch.Elapsed.TotalSeconds:F1} s");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{name} exited with {exitCode}:\n{output}");
        }
    }

    /// <summary>The local feed first, then the machine's NuGet source; packages already on the machine are used from its cache.</summary>
    private static string NuGetConfig(string feed) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="{feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <fallbackPackageFolders>
            <add key="machine" value="{Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")}" />
          </fallbackPackageFolders>
        </configuration>
        """;
}

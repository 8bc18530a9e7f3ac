using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Catalog.Loading;
using ServerlessDiscovery.Plugins;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.PluginPackages;

/// <summary>
/// `sd plugin validate PATH`: loads a plugin package (.nupkg, unpacked folder or assembly) as the service would, and runs
/// the checks it must pass before it is deployed. Exit 0 when all pass, 1 when one fails, 2 when PATH does not exist.
/// </summary>
internal static class PluginCommands
{
    public static Command Create(SdTerminal terminal)
    {
        var path = new Argument<string>("PATH") { Description = "The plugin: a .nupkg, an unpacked folder (dotnet publish output) or its assembly." };
        var validate = new Command("validate", "Check a plugin before deploying it: SDK range, type ids, metadata, secret flags and conformance.") { path };
        validate.SetAction((parse, cancellationToken) => ValidateAsync(terminal, parse.GetValue(path)!, cancellationToken));
        return new Command("plugin", "Work with plugin packages built outside this repository.") { validate };
    }

    private static async Task<int> ValidateAsync(SdTerminal terminal, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new SdConfigurationException($"PATH '{path}' does not exist: give a .nupkg, a folder or a .dll.");
        }

        var builtIn = new PluginCatalog([]);
        Dictionary<string, string> taken = builtIn.Types.ToDictionary(t => t.Metadata.TypeId, t => $"built-in {t.GetType().Assembly.GetName().Name}", StringComparer.Ordinal);
        PluginLoadResult loaded = new PluginPackageLoader().Load(path, taken);
        if (loaded.Refused.Count > 0)
        {
            foreach (PluginRefusal refusal in loaded.Refused)
            {
                terminal.Fail(refusal.Reason);
            }

            return ExitCodes.Failed;
        }

        var services = new ServiceCollection();
        services.AddHttpClient("plugins");
        await using ServiceProvider provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>();
        var table = new Table().Title($"sd plugin validate {Markup.Escape(path)} (host SDK {PluginSdk.Version})").AddColumns("Type", "Check", "Result", "Detail");
        bool passed = true;
        foreach (LoadedPluginType type in loaded.Loaded)
        {
            table.AddRow(Markup.Escape(type.Type.Metadata.TypeId), "loads, SDK range", "[green]ok[/]", Markup.Escape($"{type.Origin.SdkRange}, version {type.Origin.AssemblyVersion}"));
            foreach (PluginCheck check in await PluginValidation.CheckAsync(type.Type, http, cancellationToken))
            {
                passed &= check.Passed;
                table.AddRow(Markup.Escape(check.TypeId), Markup.Escape(check.Check), check.Passed ? "[green]ok[/]" : "[red]FAIL[/]", Markup.Escape(check.Detail));
            }
        }

        terminal.Out.Write(table);
        if (!passed)
        {
            terminal.Fail("The plugin fails the checks above; fix them before deploying it.");
        }

        return passed ? ExitCodes.Ok : ExitCodes.Failed;
    }
}

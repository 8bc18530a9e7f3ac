using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerlessDiscovery.Domain.Scans;
using ServerlessDiscovery.Engine.Bom;
using ServerlessDiscovery.Engine.Catalog;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>
/// `sd scan`: runs the configured sources once on this machine, with the service's plugins and inventory rules and no
/// server or storage. Exit 0 when every scope was observed, 1 when a source or scope failed, 2 for bad configuration.
/// </summary>
internal static class ScanCommand
{
    public static Command Create(SdTerminal terminal)
    {
        var sources = new Option<FileInfo?>("--sources", "-f")
        {
            Description = "A JSON file of instances ({\"instances\":[{\"plugin_type\",\"instance_id\",\"config\"}]}); secrets as ${env:NAME} or ${file:PATH}. Without it, the Plugins__{id}__* environment variables the service reads.",
        };
        var output = new Option<string>("--output", "-o") { Description = "table, json or cyclonedx.", DefaultValueFactory = _ => "table" };
        output.AcceptOnlyFromAmong("table", "json", "cyclonedx");
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the result to this file instead of stdout." };
        var state = new Option<FileInfo?>("--state") { Description = "Keep the inventory in this file; the next run reports what was created, changed and deleted since." };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "Longest a source may take (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };

        var command = new Command("scan", "Scan the configured sources once, on this machine (no server, no Azure).") { sources, output, outFile, state, timeout };
        command.SetAction((parse, cancellationToken) => RunAsync(
            terminal,
            parse.GetValue(sources),
            parse.GetValue(output)!,
            parse.GetValue(outFile),
            parse.GetValue(state),
            parse.GetValue(timeout),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        SdTerminal terminal, FileInfo? sourcesFile, string output, FileInfo? outFile, FileInfo? stateFile, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero || timeout > TimeSpan.FromHours(24))
        {
            throw new SdConfigurationException("--timeout must be between 00:00:01 and 24:00:00.");
        }

        await using ServiceProvider services = CreateServices();
        PluginCatalog catalog = services.GetRequiredService<PluginCatalog>();
        IReadOnlyList<ScanSource> toScan = sourcesFile is not null
            ? ScanSources.FromFile(sourcesFile.FullName, catalog, terminal.Variable)
            : ScanSources.FromSettings(new ConfigurationBuilder().AddInMemoryCollection(SettingsFromEnvironment(terminal)).Build(), services, catalog);
        if (toScan.Count == 0)
        {
            throw new SdConfigurationException("No sources: pass --sources FILE, or set Plugins__{id}__Type and Plugins__{id}__Config__* environment variables.");
        }

        Dictionary<string, IReadOnlyList<SnapshotAsset>> previous = stateFile is null ? [] : StateFile.Load(stateFile.FullName);
        IReadOnlyList<ScanOutcome> outcomes = await ScanAllAsync(terminal, services, toScan, previous, new DiscoveryOptions { ScanTimeout = timeout }, cancellationToken);

        if (stateFile is not null)
        {
            foreach (ScanOutcome outcome in outcomes.Where(o => o.Result.Error is null))
            {
                previous[outcome.Source.InstanceId] = outcome.Snapshot.Assets;
            }

            StateFile.Save(stateFile.FullName, previous);
        }

        Write(terminal, outcomes, output, outFile, stateFile is not null);
        int failed = outcomes.Count(o => o.Status != ScanStatus.Succeeded);
        terminal.Error.MarkupLine(failed == 0
            ? $"[green]{outcomes.Count} source(s) scanned, every scope observed.[/]"
            : $"[red]{failed} of {outcomes.Count} source(s) failed or were partly read; nothing they could not read was deleted.[/]");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static async Task<IReadOnlyList<ScanOutcome>> ScanAllAsync(
        SdTerminal terminal, IServiceProvider services, IReadOnlyList<ScanSource> toScan, Dictionary<string, IReadOnlyList<SnapshotAsset>> previous,
        DiscoveryOptions options, CancellationToken cancellationToken)
    {
        DetachedScan scanner = services.GetRequiredService<DetachedScan>();
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        var outcomes = new List<ScanOutcome>();
        var writeLock = new Lock();
        await terminal.Error.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left }, new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                foreach (ScanSource source in toScan)
                {
                    ProgressTask task = context.AddTask(Markup.Escape(source.InstanceId), maxValue: 1);
                    task.IsIndeterminate = true;
                    var progress = new ScanProgress(terminal.Error, task, source.InstanceId, writeLock);
                    DateTimeOffset started = time.GetUtcNow();
                    DetachedScanResult result = await scanner.RunAsync(source.Type, source.Configuration, "local", source.InstanceId, options, progress, cancellationToken);
                    DateTimeOffset completed = time.GetUtcNow();
                    IReadOnlyList<SnapshotAsset> before = previous.GetValueOrDefault(source.InstanceId) ?? [];
                    SnapshotResult snapshot = result.Error is not null
                        ? new SnapshotResult(before, [], new InventoryChanges())
                        : SnapshotInventory.Apply(before, result.Assets, result.Scopes, $"sd scan at {completed:u}", completed);
                    var outcome = new ScanOutcome(source, result, snapshot, started, completed);
                    progress.Finish(outcome.Status);
                    outcomes.Add(outcome);
                }
            });
        return outcomes;
    }

    private static void Write(SdTerminal terminal, IReadOnlyList<ScanOutcome> outcomes, string output, FileInfo? outFile, bool stateKept)
    {
        if (output == "cyclonedx")
        {
            // The inventory as the state now holds it (a failed source keeps what it had), as GET /api/v1/bom maps it.
            using var bom = new MemoryStream();
            LocalBom.Write(
                bom,
                outcomes.SelectMany(o => o.Snapshot.Assets.Select(a => (o.Source.InstanceId, a))),
                outcomes.SelectMany(o => o.Result.Edges),
                outcomes.Count == 0 ? DateTimeOffset.UnixEpoch : outcomes.Max(o => o.CompletedAt));
            string text = System.Text.Encoding.UTF8.GetString(bom.ToArray()) + Environment.NewLine;
            if (outFile is null)
            {
                terminal.WriteRaw(text);
            }
            else
            {
                File.WriteAllText(outFile.FullName, text);
            }

            return;
        }

        if (output == "json")
        {
            string json = ScanReport.Json(outcomes, stateKept);
            if (outFile is null)
            {
                terminal.WriteRaw(json);
            }
            else
            {
                File.WriteAllText(outFile.FullName, json);
            }

            return;
        }

        if (outFile is null)
        {
            foreach (IRenderable renderable in ScanReport.Tables(outcomes, stateKept))
            {
                terminal.Out.Write(renderable);
            }

            return;
        }

        using var writer = new StreamWriter(outFile.FullName);
        IAnsiConsole file = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        foreach (IRenderable renderable in ScanReport.Tables(outcomes, stateKept))
        {
            file.Write(renderable);
        }
    }

    private static ServiceProvider CreateServices()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("plugins");
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton<PluginCatalog>();
        services.AddSingleton<DetachedScan>();
        return services.BuildServiceProvider();
    }

    /// <summary>The Plugins__* environment variables as configuration keys (Plugins:id:Type ...), as the service reads them.</summary>
    private static Dictionary<string, string?> SettingsFromEnvironment(SdTerminal terminal)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (string name in terminal.VariableNames())
        {
            if (name.StartsWith("Plugins__", StringComparison.OrdinalIgnoreCase))
            {
                settings[name.Replace("__", ":", StringComparison.Ordinal)] = terminal.Variable(name);
            }
        }

        return settings;
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using ServerlessDiscovery.Cli.PluginPackages;
using ServerlessDiscovery.Cli.Remote;
using ServerlessDiscovery.Cli.Scan;
using Spectre.Console;

namespace ServerlessDiscovery.Cli;

/// <summary>The `sd` command line: `sd scan` on this machine, and commands that drive a running service (`--url`).</summary>
internal static class SdApp
{
    public static RootCommand CreateRoot(SdTerminal terminal)
    {
        var root = new RootCommand("sd: inventory an organisation's AI estate. `sd scan` runs sources once on this machine; the other commands drive a ServerlessDiscovery service.")
        {
            ScanCommand.Create(terminal),
            PluginCommands.Create(terminal),
        };
        foreach (Command command in RemoteCommands.Create(terminal))
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, SdTerminal terminal, CancellationToken cancellationToken = default)
    {
        ParseResult parse = CreateRoot(terminal).Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (ParseError error in parse.Errors)
            {
                terminal.Fail(OptionOf(error) is { } option ? $"{option}: {error.Message}" : error.Message);
            }

            terminal.Error.WriteLine("Run sd --help for the commands and their options.");
            return ExitCodes.BadConfiguration;
        }

        try
        {
            var invocation = new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = terminal.Out.Profile.Out.Writer,
                Error = terminal.Error.Profile.Out.Writer,
            };
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (SdConfigurationException ex)
        {
            terminal.Fail(ex.Message);
            return ExitCodes.BadConfiguration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            terminal.Fail("Cancelled.");
            return ExitCodes.Failed;
        }
    }

    /// <summary>The option an error is about, so the message names it.</summary>
    private static string? OptionOf(ParseError error) => error.SymbolResult switch
    {
        OptionResult option => option.Option.Name,
        ArgumentResult { Parent: OptionResult option } => option.Option.Name,
        _ => null,
    };
}

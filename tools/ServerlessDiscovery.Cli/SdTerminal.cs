using System.Collections;
using Spectre.Console;

namespace ServerlessDiscovery.Cli;

/// <summary>
/// Where `sd` reads and writes: results on <see cref="Out"/> (stdout), progress and errors on <see cref="Error"/> (stderr),
/// so `--output json` on stdout stays machine-readable while people still see progress; the environment it reads
/// settings and secrets from. Tests pass Spectre test consoles and an environment of their own.
/// </summary>
internal sealed record SdTerminal(IAnsiConsole Out, IAnsiConsole Error, IReadOnlyDictionary<string, string> Environment, Func<string, string?> PromptSecret)
{
    public static SdTerminal FromProcess()
    {
        IAnsiConsole error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return new SdTerminal(AnsiConsole.Console, error, environment, prompt => PromptFromConsole(error, prompt));
    }

    public string? Variable(string name) => Environment.GetValueOrDefault(name);

    public IEnumerable<string> VariableNames() => Environment.Keys;

    /// <summary>Writes text exactly as given (JSON), not as Spectre markup.</summary>
    public void WriteRaw(string text)
    {
        Out.Profile.Out.Writer.Write(text);
        Out.Profile.Out.Writer.Flush();
    }

    /// <summary>Reports an error on stderr, escaped (a message may contain brackets).</summary>
    public void Fail(string message) => Error.MarkupLine("[red]error:[/] " + Markup.Escape(message));

    private static string? PromptFromConsole(IAnsiConsole console, string prompt) =>
        console.Profile.Capabilities.Interactive && !Console.IsInputRedirected
            ? console.Prompt(new TextPrompt<string>(prompt).Secret())
            : null;
}

using ServerlessDiscovery.Engine.Scanning;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>
/// Live progress of one source: its task line (assets and scopes so far) and a line per scope as the plugin reports it.
/// Plugins report from several threads; writes to the console are serialised.
/// </summary>
internal sealed class ScanProgress(IAnsiConsole console, ProgressTask task, string instanceId, Lock writeLock) : IScanObserver
{
    private int _assets;
    private int _scopes;
    private int _failed;

    public void AssetFound(string type)
    {
        Interlocked.Increment(ref _assets);
        Describe();
    }

    public void ScopeReported(string scope, string outcome, string? message)
    {
        Interlocked.Increment(ref _scopes);
        if (outcome == "failed")
        {
            Interlocked.Increment(ref _failed);
        }

        string mark = outcome switch
        {
            "completed" => "[green]✓[/]",
            "failed" => "[red]✗[/]",
            _ => "[yellow]![/]",
        };
        string detail = message is null ? string.Empty : ": " + Markup.Escape(message);
        lock (writeLock)
        {
            console.MarkupLine($"  {mark} {Markup.Escape(instanceId)} {Markup.Escape(scope)} [grey]{Markup.Escape(outcome)}[/]{detail}");
        }

        Describe();
    }

    /// <summary>Marks the source's task finished with its outcome.</summary>
    public void Finish(string status)
    {
        string colour = status switch { "succeeded" => "green", "partial" => "yellow", _ => "red" };
        task.Description = $"{Markup.Escape(instanceId)}: [{colour}]{status}[/], {_assets} assets, {_scopes} scopes";
        task.IsIndeterminate = false;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    private void Describe() =>
        task.Description = $"{Markup.Escape(instanceId)}: {Volatile.Read(ref _assets)} assets, {Volatile.Read(ref _scopes)} scopes" +
            (Volatile.Read(ref _failed) > 0 ? $", [red]{_failed} failed[/]" : string.Empty);
}

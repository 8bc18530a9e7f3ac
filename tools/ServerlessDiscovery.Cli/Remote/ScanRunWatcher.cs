using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.Remote;

/// <summary>
/// Follows one scan run of a running service (GET /api/v1/instances/{id}/scans/{scanRunId}) until it ends, showing
/// its progress on stderr: a live progress bar on a terminal, one plain line each time it moves otherwise (logs, CI).
/// </summary>
internal sealed class ScanRunWatcher(RemoteSession session, string instance, string runId, TimeSpan interval)
{
    private static readonly string[] Finished = ["succeeded", "partial", "failed", "refused", "abandoned"];

    /// <summary>The run once it ended; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> ends first.</summary>
    public async Task<JsonObject> WatchAsync(CancellationToken cancellationToken)
    {
        IAnsiConsole console = session.Terminal.Error;
        if (!console.Profile.Capabilities.Interactive)
        {
            string? last = null;
            return await PollAsync(run =>
            {
                string line = Describe(runId, run);
                if (line != last)
                {
                    console.WriteLine(line);
                    last = line;
                }
            }, cancellationToken);
        }

        JsonObject? ended = null;
        await console.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask(Markup.Escape(Describe(runId, null)), maxValue: 1);
                task.IsIndeterminate = true;
                ended = await PollAsync(run => Show(task, run), cancellationToken);
                task.StopTask();
            });
        return ended!;
    }

    /// <summary>One line of where a run stands, e.g. "Scan r1: running, 2 of 7 scopes, 4 assets".</summary>
    internal static string Describe(string runId, JsonObject? run)
    {
        string status = JsonTables.Text(run?["status"]) is { Length: > 0 } s ? s : "starting";
        JsonNode? progress = run?["progress"];
        int done = progress?["scopes_done"]?.GetValue<int>() ?? 0;
        int? total = progress?["scopes_total"]?.GetValue<int?>();
        bool estimated = progress?["scopes_total_estimated"]?.GetValue<bool>() ?? false;
        int assets = progress?["assets"]?.GetValue<int>() ?? 0;
        string scopes = total is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{done} of {(estimated ? "~" : string.Empty)}{t} scopes")
            : string.Create(CultureInfo.InvariantCulture, $"{done} scopes");
        return string.Create(CultureInfo.InvariantCulture, $"Scan {runId}: {status}, {scopes}, {assets} assets");
    }

    private static void Show(ProgressTask task, JsonObject run)
    {
        task.Description = Markup.Escape(Describe(JsonTables.Text(run["scan_run_id"]), run));
        if (run["progress"]?["scopes_total"]?.GetValue<int?>() is { } total && total > 0)
        {
            task.IsIndeterminate = false;
            task.MaxValue = total;
            task.Value = run["progress"]!["scopes_done"]!.GetValue<int>();
        }
    }

    private async Task<JsonObject> PollAsync(Action<JsonObject> update, CancellationToken cancellationToken)
    {
        while (true)
        {
            JsonObject run = await session.GetAsync($"api/v1/instances/{instance}/scans/{Uri.EscapeDataString(runId)}", cancellationToken);
            update(run);
            if (Finished.Contains(JsonTables.Text(run["status"])))
            {
                return run;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }
}

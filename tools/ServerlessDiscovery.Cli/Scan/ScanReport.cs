using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ServerlessDiscovery.Cli.Scan;

/// <summary>How `sd scan` shows its result: tables for people, JSON for scripts.</summary>
internal static class ScanReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(IReadOnlyList<ScanOutcome> outcomes, bool stateKept) =>
        new JsonObject
        {
            ["state_compared"] = stateKept,
            ["sources"] = new JsonArray([.. outcomes.Select(o => (JsonNode?)o.ToJson())]),
        }.ToJsonString(Indented) + Environment.NewLine;

    /// <summary>The summary (one row a source), then every asset, then what changed since the state file's run.</summary>
    public static IEnumerable<IRenderable> Tables(IReadOnlyList<ScanOutcome> outcomes, bool stateKept)
    {
        var summary = new Table().Title("Summary").AddColumns("Source", "Type", "Status", "Assets", "Created", "Updated", "Deleted", "Stale", "Unchanged", "Failed scopes");
        foreach (ScanOutcome o in outcomes)
        {
            string colour = o.Status switch { "succeeded" => "green", "partial" => "yellow", _ => "red" };
            summary.AddRow(
                Markup.Escape(o.Source.InstanceId),
                Markup.Escape(o.Source.Type.Metadata.TypeId),
                $"[{colour}]{o.Status}[/]",
                o.Result.Assets.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Count(o.Snapshot.Counts.Created),
                Count(o.Snapshot.Counts.Updated),
                Count(o.Snapshot.Counts.Deleted),
                Count(o.Snapshot.Counts.Stale),
                Count(o.Snapshot.Counts.Unchanged),
                Count(o.Result.Scopes.Values.Count(e => e is not null)));
        }

        yield return summary;

        var assets = new Table().Title("Assets").AddColumns("Source", "Type", "Name", "Id", "State");
        foreach (ScanOutcome o in outcomes)
        {
            foreach (var a in o.Snapshot.Assets)
            {
                assets.AddRow(Markup.Escape(o.Source.InstanceId), Markup.Escape(a.Type), Markup.Escape(a.Name), Markup.Escape(a.Id), Markup.Escape(a.State));
            }
        }

        if (assets.Rows.Count > 0)
        {
            yield return assets;
        }

        if (stateKept)
        {
            var changes = new Table().Title("Changes since the last run").AddColumns("Source", "Change", "Type", "Id", "What");
            foreach (ScanOutcome o in outcomes)
            {
                foreach (var c in o.Snapshot.Changes)
                {
                    changes.AddRow(Markup.Escape(o.Source.InstanceId), Markup.Escape(c.Kind), Markup.Escape(c.Type), Markup.Escape(c.Id), Markup.Escape(c.Reason ?? string.Join(", ", c.Fields)));
                }
            }

            yield return changes.Rows.Count > 0 ? changes : new Markup("No changes since the last run." + Environment.NewLine);
        }

        foreach (ScanOutcome o in outcomes.Where(o => o.Result.Error is not null))
        {
            yield return new Markup($"[red]{Markup.Escape(o.Source.InstanceId)} failed:[/] {Markup.Escape(o.Result.Error!)}{Environment.NewLine}");
        }

        foreach (ScanOutcome o in outcomes)
        {
            foreach ((string scope, string? error) in o.Result.Scopes.Where(s => s.Value is not null))
            {
                yield return new Markup($"[yellow]{Markup.Escape(o.Source.InstanceId)} scope {Markup.Escape(scope)} failed:[/] {Markup.Escape(error!)} (its assets were kept){Environment.NewLine}");
            }
        }
    }

    private static string Count(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace ServerlessDiscovery.Cli.Remote;

/// <summary>
/// The commands that drive a running service: instances, assets, asset, lineage, scans, refresh (--wait), changes
/// (--follow), findings and bom. Each takes --url (or SD_URL) and --json; the key comes from SD_API_KEY.
/// </summary>
internal static class RemoteCommands
{
    public const string UrlVariable = "SD_URL";
    private const string DefaultUrl = "http://localhost:7071";

    public static IEnumerable<Command> Create(SdTerminal terminal)
    {
        yield return Instances(terminal);
        yield return Assets(terminal);
        yield return Asset(terminal);
        yield return Lineage(terminal);
        yield return Scans(terminal);
        yield return Refresh(terminal);
        yield return Changes(terminal);
        yield return Findings(terminal);
        yield return Bom(terminal);
    }

    private static Command Findings(SdTerminal terminal)
    {
        var kind = new Option<string?>("--kind") { Description = "shadow or unused." };
        var state = new Option<string?>("--state") { Description = "open or resolved." };
        return Remote(terminal, new Command("findings", "List shadow and unused AI findings, newest first.") { kind, state }, async (session, parse, ct) =>
        {
            JsonObject reply = await session.GetAsync("api/v1/findings" + Query(("kind", parse.GetValue(kind)), ("state", parse.GetValue(state))), ct);
            Show(session, reply, () => JsonTables.Create("Findings", reply["findings"]?.AsArray(),
                ("Kind", "kind"), ("State", "state"), ("Type", "subject.type"), ("Subject", "subject.id"), ("Reason", "reason"), ("Opened", "opened_at"), ("Resolved", "resolved_at")));
            return ExitCodes.Ok;
        });
    }

    private static Command Bom(SdTerminal terminal)
    {
        var agent = new Option<string?>("--agent") { Description = "Only this agent (its asset id) and everything it depends on." };
        var instance = new Option<string?>("--instance") { Description = "Only what this instance saw." };
        var spec = new Option<string>("--spec-version") { Description = "CycloneDX 1.7 or 1.6.", DefaultValueFactory = _ => "1.7" };
        var outFile = new Option<FileInfo?>("--out") { Description = "Write the BOM to this file instead of stdout." };
        return Remote(terminal, new Command("bom", "Export the CycloneDX AI-BOM (JSON) of the tenant, one instance or one agent.") { agent, instance, spec, outFile }, async (session, parse, ct) =>
        {
            JsonObject bom = await session.GetAsync("api/v1/bom" + Query(
                ("agent", parse.GetValue(agent)), ("instance", parse.GetValue(instance)), ("specVersion", parse.GetValue(spec))), ct);
            if (parse.GetValue(outFile) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, bom.ToJsonString() + Environment.NewLine, ct);
                session.Terminal.Error.MarkupLine(
                    $"Wrote {Markup.Escape(file.FullName)}: {bom["components"]?.AsArray().Count ?? 0} components, {bom["services"]?.AsArray().Count ?? 0} services, version {Markup.Escape(JsonTables.Text(bom["version"]))}.");
            }
            else
            {
                // The document is the output whatever --json says: it is JSON by definition.
                session.WriteJson(bom);
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Instances(SdTerminal terminal)
    {
        var pluginType = new Option<string?>("--plugin-type") { Description = "Only instances of this plugin type." };
        return Remote(terminal, new Command("instances", "List the service's plugin instances.") { pluginType }, async (session, parse, ct) =>
        {
            string? type = parse.GetValue(pluginType);
            JsonObject reply = await session.GetAsync("api/v1/instances" + Query(("plugin_type", type)), ct);
            Show(session, reply, () => JsonTables.Create("Instances", reply["instances"]?.AsArray(),
                ("Id", "instance_id"), ("Type", "plugin_type"), ("Enabled", "enabled"), ("Schedule", "schedule"), ("Last scan", "last_scan_status"), ("At", "last_scan_at"), ("Next run", "next_run")));
            return ExitCodes.Ok;
        });
    }

    private static Command Assets(SdTerminal terminal)
    {
        var type = new Option<string?>("--type") { Description = "Only assets of this type (model, agent, mcp_tool, ...)." };
        var instance = new Option<string?>("--instance") { Description = "Only assets seen by this instance." };
        var search = new Option<string?>("--query", "-q") { Description = "Text the name or id contains." };
        var limit = new Option<int>("--limit") { Description = "Assets a page (1-1000).", DefaultValueFactory = _ => 100 };
        var token = new Option<string?>("--continuation") { Description = "The continuation token a previous page printed." };
        return Remote(terminal, new Command("assets", "List assets, a page at a time.") { type, instance, search, limit, token }, async (session, parse, ct) =>
        {
            JsonObject reply = await session.GetAsync("api/v1/inventory" + Query(
                ("type", parse.GetValue(type)), ("instance", parse.GetValue(instance)), ("q", parse.GetValue(search)),
                ("limit", parse.GetValue(limit).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("continuationToken", parse.GetValue(token))), ct);
            Show(session, reply, () => JsonTables.Create("Assets", reply["items"]?.AsArray(),
                ("Type", "type"), ("Name", "name"), ("Id", "id"), ("Instance", "instance"), ("State", "state"), ("Version", "version"), ("Last seen", "last_seen")));
            if (!session.Json && reply["continuationToken"] is JsonValue next)
            {
                session.Terminal.Error.MarkupLine($"More: sd assets --continuation {Markup.Escape(next.GetValue<string>())}");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Asset(SdTerminal terminal)
    {
        var type = new Argument<string>("type") { Description = "The asset's type, e.g. model." };
        var id = new Argument<string>("id") { Description = "The asset's id, e.g. openai/gpt-4o." };
        return Remote(terminal, new Command("asset", "Show one asset: attributes, state and the sources that saw it.") { type, id }, async (session, parse, ct) =>
        {
            JsonObject reply = await session.GetAsync($"api/v1/assets/{Uri.EscapeDataString(parse.GetValue(type)!)}/{string.Join('/', parse.GetValue(id)!.Split('/').Select(Uri.EscapeDataString))}", ct);
            Show(session, reply, () => new Rows(
                JsonTables.Fields($"{JsonTables.Text(reply["type"])} {JsonTables.Text(reply["name"])}", reply, "sources", "attributes"),
                JsonTables.Fields("Attributes", reply["attributes"] as JsonObject ?? []),
                JsonTables.Create("Sources", reply["sources"]?.AsArray(), ("Instance", "instance"), ("State", "state"), ("Version", "version"), ("First seen", "first_seen"), ("Last seen", "last_seen"))));
            return ExitCodes.Ok;
        });
    }

    private static Command Lineage(SdTerminal terminal)
    {
        var source = new Option<string?>("--source-id") { Description = "Relationships from this asset id." };
        var target = new Option<string?>("--target-id") { Description = "Relationships to this asset id." };
        return Remote(terminal, new Command("lineage", "List lineage relationships.") { source, target }, async (session, parse, ct) =>
        {
            JsonObject reply = await session.GetAsync("api/v1/lineage" + Query(("source_id", parse.GetValue(source)), ("target_id", parse.GetValue(target))), ct);
            Show(session, reply, () => JsonTables.Create("Lineage", reply["relationships"]?.AsArray(),
                ("Source type", "source_type"), ("Source", "source_id"), ("Relationship", "relationship"), ("Target type", "target_type"), ("Target", "target_id")));
            return ExitCodes.Ok;
        });
    }

    private static Command Scans(SdTerminal terminal)
    {
        var id = new Argument<string>("instance") { Description = "The instance id." };
        return Remote(terminal, new Command("scans", "Show an instance's scan history.") { id }, async (session, parse, ct) =>
        {
            JsonObject reply = await session.GetAsync($"api/v1/instances/{Uri.EscapeDataString(parse.GetValue(id)!)}/scans", ct);
            Show(session, reply, () => ScanTable("Scans", reply["scans"]?.AsArray()));
            return ExitCodes.Ok;
        });
    }

    private static Command Refresh(SdTerminal terminal)
    {
        var id = new Argument<string>("instance") { Description = "The instance id." };
        var wait = new Option<bool>("--wait") { Description = "Wait for the scan to end, show its summary, and exit 1 unless it succeeded." };
        var force = new Option<bool>("--force") { Description = "Apply the scan even if it deletes more than the deletion guard allows." };
        var timeout = new Option<TimeSpan>("--wait-timeout") { Description = "Longest to wait (hh:mm:ss).", DefaultValueFactory = _ => TimeSpan.FromMinutes(30) };
        var interval = new Option<TimeSpan>("--poll-interval") { Description = "How often to ask while waiting.", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };
        timeout.Validators.Add(r => RequireBetween(r, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)));
        interval.Validators.Add(r => RequireBetween(r, TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1)));
        return Remote(terminal, new Command("refresh", "Run an instance's scan now.") { id, wait, force, timeout, interval }, async (session, parse, ct) =>
        {
            string instance = Uri.EscapeDataString(parse.GetValue(id)!);
            JsonObject started = await session.PostAsync($"api/v1/instances/{instance}/refresh" + (parse.GetValue(force) ? "?force=true" : string.Empty), ct);
            string runId = JsonTables.Text(started["scan_run_id"]);
            if (!parse.GetValue(wait))
            {
                Show(session, started, () => new Markup($"Scan {Markup.Escape(runId)} started.{Environment.NewLine}"));
                return ExitCodes.Ok;
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(parse.GetValue(timeout));
            JsonObject run;
            try
            {
                run = await new ScanRunWatcher(session, instance, runId, parse.GetValue(interval)).WatchAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                session.Terminal.Fail($"Scan {runId} had not ended after {parse.GetValue(timeout)}.");
                return ExitCodes.Failed;
            }

            string status = JsonTables.Text(run["status"]);
            Show(session, run, () => new Rows(ScanTable($"Scan {runId}", [run.DeepClone()]), JsonTables.Fields("Scopes", run["scopes"] as JsonObject ?? [])));
            return status == "succeeded" ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }

    private static Command Changes(SdTerminal terminal)
    {
        var cursor = new Option<string?>("--cursor") { Description = "Read on from this cursor (a previous run prints it); default: the oldest retained change." };
        var asset = new Option<string?>("--asset") { Description = "Only one asset's changes: {type}/{id}." };
        var limit = new Option<int>("--limit") { Description = "Events a request (1-1000).", DefaultValueFactory = _ => 100 };
        var follow = new Option<bool>("--follow") { Description = "Keep reading new changes until interrupted (Ctrl-C)." };
        var interval = new Option<TimeSpan>("--poll-interval") { Description = "How often --follow asks for new changes.", DefaultValueFactory = _ => TimeSpan.FromSeconds(2) };
        return Remote(terminal, new Command("changes", "Read the change log (the change feed's CloudEvents) from a cursor.") { cursor, asset, limit, follow, interval }, async (session, parse, ct) =>
        {
            string? next = parse.GetValue(cursor);
            bool following = parse.GetValue(follow);
            try
            {
                while (true)
                {
                    JsonObject reply = await session.GetAsync("api/v1/changes" + Query(
                        ("cursor", next), ("asset", parse.GetValue(asset)), ("limit", parse.GetValue(limit).ToString(System.Globalization.CultureInfo.InvariantCulture))), ct);
                    next = JsonTables.Text(reply["cursor"]);
                    PrintEvents(session, reply["events"]?.AsArray() ?? []);
                    if (reply["more"]?.GetValue<bool>() == true)
                    {
                        continue;
                    }

                    if (!following)
                    {
                        break;
                    }

                    await Task.Delay(parse.GetValue(interval), ct);
                }
            }
            catch (OperationCanceledException) when (following && ct.IsCancellationRequested)
            {
                // Ctrl-C is how a follower stops.
            }

            session.Terminal.Error.MarkupLine($"Next: sd changes --cursor {Markup.Escape(next ?? string.Empty)}");
            return ExitCodes.Ok;
        });
    }

    private static void PrintEvents(RemoteSession session, JsonArray events)
    {
        foreach (JsonNode? e in events)
        {
            if (session.Json)
            {
                // One CloudEvent a line, so a follower's output can be piped into a script as it comes.
                session.Terminal.WriteRaw(e!.ToJsonString() + Environment.NewLine);
            }
            else
            {
                session.Terminal.Out.MarkupLine(
                    $"{Markup.Escape(JsonTables.Text(e?["time"]))}  [bold]{Markup.Escape(JsonTables.Text(e?["type"]).Replace("ServerlessDiscovery.", string.Empty, StringComparison.Ordinal))}[/]  {Markup.Escape(JsonTables.Text(e?["subject"]))}  [grey]{Markup.Escape(JsonTables.Text(e?["source"]))}[/]");
            }
        }
    }

    private static void RequireBetween(System.CommandLine.Parsing.OptionResult result, TimeSpan least, TimeSpan most)
    {
        if (result.GetValueOrDefault<TimeSpan>() is var value && (value < least || value > most))
        {
            result.AddError($"{result.Option.Name} must be between {least} and {most}.");
        }
    }

    private static Table ScanTable(string title, JsonArray? scans) =>
        JsonTables.Create(title, scans,
            ("Run", "scan_run_id"), ("Status", "status"), ("Trigger", "trigger"), ("Started", "started_at"), ("ms", "duration_ms"),
            ("Found", "counts.discovered"), ("Created", "counts.created"), ("Updated", "counts.updated"), ("Deleted", "counts.deleted"), ("Stale", "counts.stale"), ("Error", "error"));

    /// <summary>Adds --url and --json to a command and runs its body with a session; remote failures exit 1 with their message.</summary>
    private static Command Remote(SdTerminal terminal, Command command, Func<RemoteSession, ParseResult, CancellationToken, Task<int>> body)
    {
        var url = new Option<string?>("--url") { Description = $"The service, e.g. https://myapp.azurewebsites.net (default: {UrlVariable}, else {DefaultUrl})." };
        var json = new Option<bool>("--json") { Description = "Print the service's JSON instead of tables." };
        command.Options.Add(url);
        command.Options.Add(json);
        command.SetAction(async (parse, cancellationToken) =>
        {
            string address = parse.GetValue(url) ?? terminal.Variable(UrlVariable) ?? DefaultUrl;
            if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out Uri? baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                throw new SdConfigurationException($"--url '{address}' must be an absolute http(s) URL such as {DefaultUrl}.");
            }

            using var session = new RemoteSession(terminal, baseAddress, parse.GetValue(json));
            try
            {
                return await body(session, parse, cancellationToken);
            }
            catch (SdRemoteException ex)
            {
                terminal.Fail(ex.Message);
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static void Show(RemoteSession session, JsonObject reply, Func<Spectre.Console.Rendering.IRenderable> table)
    {
        if (session.Json)
        {
            session.WriteJson(reply);
        }
        else
        {
            session.Terminal.Out.Write(table());
        }
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        string query = string.Join('&', parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}"));
        return query.Length == 0 ? string.Empty : "?" + query;
    }
}

using System.Globalization;

namespace ServerlessDiscovery.Domain.Scans;

/// <summary>Outcome of a scan run.</summary>
public static class ScanStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    /// <summary>Finished, but one or more scopes failed (their assets were marked stale).</summary>
    public const string Partial = "partial";
    public const string Failed = "failed";
    /// <summary>The deletion guard refused it; nothing was written.</summary>
    public const string Refused = "refused";
    /// <summary>Its host stopped answering; another host took the instance over.</summary>
    public const string Abandoned = "abandoned";
}

/// <summary>
/// A scope that was neither fully observed nor failed: incomplete (some items could not be read; each is a warning) or
/// unavailable (the source does not offer it). Neither tombstones nor stales anything.
/// </summary>
public sealed class ScopeNote(string outcome)
{
    public const string Incomplete = "incomplete";
    public const string Unavailable = "unavailable";

    /// <summary>Bounds on what a plugin can put into one scan record.</summary>
    public const int MaxScopes = 200;
    public const int MaxMessagesPerScope = 20;
    public const int MaxMessageLength = 1000;

    private readonly List<string> _messages = [];

    public string Outcome { get; } = outcome;

    public IReadOnlyList<string> Messages => _messages;

    /// <summary>Messages past <see cref="MaxMessagesPerScope"/> are counted, not kept.</summary>
    public int Dropped { get; private set; }

    public ScopeNote With(IEnumerable<string> messages, int dropped = 0)
    {
        var copy = new ScopeNote(Outcome) { Dropped = dropped };
        foreach (string m in messages)
        {
            copy.Add(m);
        }

        return copy;
    }

    /// <summary>Adds a message; past <see cref="MaxMessagesPerScope"/> it is counted in <see cref="Dropped"/> instead.</summary>
    public void Add(string message)
    {
        if (_messages.Count < MaxMessagesPerScope)
        {
            _messages.Add(message);
        }
        else
        {
            Dropped++;
        }
    }
}

/// <summary>What a scan changed in the inventory, as its record keeps it.</summary>
public record ScanChanges
{
    public int Created { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    public int Deleted { get; init; }

    public int Stale { get; init; }

    public int Restored { get; init; }

    /// <summary>Entity writes made: asset rows, their outbox events and edges.</summary>
    public int EntityWrites { get; init; }

    /// <summary>Set when the deletion guard refused the scan; nothing was written.</summary>
    public string? Refusal { get; init; }
}

/// <summary>
/// How far a scan has got: scopes reported of those expected (null while nothing tells; estimated from the last
/// finished scan when the plugin does not say), distinct assets reported, and when the running scan last recorded it.
/// </summary>
public sealed record ScanRunProgress(int ScopesDone, int? ScopesTotal, bool ScopesTotalEstimated, int Assets, DateTimeOffset? UpdatedAt);

/// <summary>One scan's record: kept per instance, newest first (<see cref="IScanStore"/>).</summary>
public sealed record ScanRun
{
    public required string Tenant { get; init; }

    public required string InstanceId { get; init; }

    public required string RunId { get; init; }

    public required string Status { get; init; }

    public required string Trigger { get; init; }

    public bool Forced { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public ScanChanges Changes { get; init; } = new();

    public int Assets { get; init; }

    public int Edges { get; init; }

    public int Rejected { get; init; }

    public string? Error { get; init; }

    /// <summary>Scope to null (fully observed) or its error.</summary>
    public IReadOnlyDictionary<string, string?> Scopes { get; init; } = new Dictionary<string, string?>();

    /// <summary>Scopes reported incomplete or unavailable.</summary>
    public IReadOnlyDictionary<string, ScopeNote> Notes { get; init; } = new Dictionary<string, ScopeNote>();

    public string? Host { get; init; }

    /// <summary>A run id that sorts by start time: yyyyMMddTHHmmssfffZ-random.</summary>
    public static string NewRunId(DateTimeOffset now) =>
        now.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How far it got: updated while it runs, final once it ended. Null on rows written before progress was kept.</summary>
    public ScanRunProgress? Progress { get; init; }
}

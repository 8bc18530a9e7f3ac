using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Plugins;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Inventory;

/// <summary>What one scan changed in the inventory.</summary>
public sealed record InventoryChanges
{
    public int Created { get; init; }

    public int Updated { get; init; }

    public int Unchanged { get; init; }

    public int Deleted { get; init; }

    public int Stale { get; init; }

    public int Restored { get; init; }

    /// <summary>Entity writes made: asset rows, their outbox events and edges.</summary>
    public int EntityWrites { get; init; }

    /// <summary>Entity group transactions sent.</summary>
    public int Transactions { get; init; }

    public int Events { get; init; }

    /// <summary>Set when the deletion guard refused the scan; nothing was written.</summary>
    public string? Refusal { get; init; }
}

/// <summary>Identifies the scan whose findings are written.</summary>
public sealed record ScanIdentity(string Tenant, string InstanceId, string RunId, bool Force);

/// <summary>
/// The one path by which scan findings reach the inventory. Assets of an instance live in one partition of the
/// "assets" table ({tenant}~{instance}); the writer reads that partition once, works out what changed by content
/// hash, and writes only changes, each together with its CloudEvent (outbox row, same partition) in entity group
/// transactions of at most 100 operations, so a change and its event are stored together or not at all.
/// </summary>
public sealed class InventoryWriter(TableStore tables, TimeProvider time, IOptions<DiscoveryOptions> options)
{
    public const string OutboxPrefix = "!outbox~";
    private const int MaxTransactionBytes = 3_500_000;

    internal async Task<InventoryChanges> ApplyAsync(
        ScanIdentity scan,
        IReadOnlyCollection<DiscoveredAsset> assets,
        IReadOnlyCollection<DiscoveredEdge> edges,
        IReadOnlyDictionary<string, string?> scopes,
        CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(scan.Tenant, scan.InstanceId);
        DateTimeOffset now = time.GetUtcNow();
        Dictionary<string, TableEntity> existing = await LoadAsync(table, partition, cancellationToken);

        var plan = new List<(TableTransactionAction? Asset, ChangeEvent? Event)>();
        int created = 0, updated = 0, unchanged = 0, deleted = 0, stale = 0, restored = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int sequence = 0;
        string source = ChangeEvent.SourceFor(scan.Tenant, scan.InstanceId);

        // Key order makes a scan's events come out in the same order on every run and host.
        foreach ((string rowKey, DiscoveredAsset asset) in assets.Select(a => (StorageKeys.AssetRow(a.Type, a.Id), a)).OrderBy(p => p.Item1, StringComparer.Ordinal))
        {
            if (!seen.Add(rowKey))
            {
                continue;
            }

            string hash = ContentHash.Compute(asset);
            existing.TryGetValue(rowKey, out TableEntity? row);
            string? state = row?.GetString(AssetColumns.State);
            if (row is not null && state == AssetState.Active && row.GetString(AssetColumns.Hash) == hash)
            {
                unchanged++;
                if (now - (row.GetDateTimeOffset(AssetColumns.LastSeen) ?? DateTimeOffset.MinValue) >= options.Value.LastSeenRefresh)
                {
                    var touch = new TableEntity(partition, rowKey) { [AssetColumns.LastSeen] = now };
                    plan.Add((new TableTransactionAction(TableTransactionActionType.UpsertMerge, touch), null));
                }

                continue;
            }

            string eventType;
            IReadOnlyList<string> changes;
            if (row is null)
            {
                created++;
                eventType = ChangeEventTypes.AssetCreated;
                changes = ["created"];
            }
            else if (state != AssetState.Active)
            {
                restored++;
                eventType = ChangeEventTypes.AssetRestored;
                changes = Diff(row, asset, includeState: true);
            }
            else
            {
                updated++;
                eventType = ChangeEventTypes.AssetUpdated;
                changes = Diff(row, asset, includeState: false);
            }

            long version = (row?.GetInt64(AssetColumns.Version) ?? 0) + 1;
            TableEntity newRow = AssetRows.Create(partition, rowKey, scan, asset, hash, version, AssetState.Active, reason: null,
                firstSeen: row?.GetDateTimeOffset(AssetColumns.FirstSeen) ?? now, lastSeen: now, changedAt: now);
            plan.Add((new TableTransactionAction(TableTransactionActionType.UpsertReplace, newRow),
                AssetRows.Event(scan, source, ++sequence, eventType, newRow, changes, now)));
        }

        int activeBefore = existing.Values.Count(r => r.GetString(AssetColumns.State) != AssetState.Deleted);
        foreach ((string rowKey, TableEntity row) in existing.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (seen.Contains(rowKey))
            {
                continue;
            }

            string scope = row.GetString(AssetColumns.Scope) ?? string.Empty;
            string? next = InventoryRules.MissingAssetState(row.GetString(AssetColumns.State), scope, scopes);
            if (next == AssetState.Deleted)
            {
                deleted++;
                string reason = $"Not found in fully observed scope '{scope}' by scan {scan.RunId}.";
                plan.Add(Transition(scan, source, row, AssetState.Deleted, reason, ChangeEventTypes.AssetDeleted, ++sequence, now));
            }
            else if (next == AssetState.Stale)
            {
                stale++;
                string reason = $"Scope '{scope}' could not be read by scan {scan.RunId}: {scopes[scope]}";
                plan.Add(Transition(scan, source, row, AssetState.Stale, reason, ChangeEventTypes.AssetStale, ++sequence, now));
            }
        }

        if (!scan.Force && deleted > 0 && activeBefore > 0 && (double)deleted / activeBefore > options.Value.DeletionGuardRatio)
        {
            return new InventoryChanges
            {
                Unchanged = unchanged,
                Refusal = $"The scan would delete {deleted} of {activeBefore} active assets ({100.0 * deleted / activeBefore:0.#} %), more than the " +
                    $"{options.Value.DeletionGuardRatio:P0} allowed by Discovery__DeletionGuardRatio. Nothing was written; refresh with force=true to apply it.",
            };
        }

        (int writes, int transactions) = await WriteAsync(table, partition, plan, cancellationToken);
        (int edgeWrites, int edgeTransactions) = await WriteEdgesAsync(scan, edges, scopes, now, cancellationToken);
        return new InventoryChanges
        {
            Created = created,
            Updated = updated,
            Unchanged = unchanged,
            Deleted = deleted,
            Stale = stale,
            Restored = restored,
            EntityWrites = writes + edgeWrites,
            Transactions = transactions + edgeTransactions,
            Events = sequence,
        };
    }

    /// <summary>Adds events that belong to no asset change (scan completed/failed) to the instance's outbox.</summary>
    internal async Task AppendEventsAsync(string tenant, string instanceId, IReadOnlyList<ChangeEvent> events, CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
        string partition = StorageKeys.Partition(tenant, instanceId);
        await WriteAsync(table, partition, [.. events.Select(e => ((TableTransactionAction?)null, (ChangeEvent?)e))], cancellationToken);
    }

    internal static (TableTransactionAction?, ChangeEvent?) Transition(
        ScanIdentity scan, string source, TableEntity row, string state, string reason, string eventType, int sequence, DateTimeOffset now)
    {
        TableEntity next = AssetRows.Copy(row);
        next[AssetColumns.State] = state;
        next[AssetColumns.Reason] = reason;
        next[AssetColumns.StateChangedAt] = now;
        next[AssetColumns.Version] = (row.GetInt64(AssetColumns.Version) ?? 0) + 1;
        next[AssetColumns.LastRunId] = scan.RunId;
        return (new TableTransactionAction(TableTransactionActionType.UpsertReplace, next),
            AssetRows.Event(scan, source, sequence, eventType, next, ["state"], now));
    }

    private static List<string> Diff(TableEntity row, DiscoveredAsset asset, bool includeState) =>
        InventoryRules.Changes(
            row.GetString(AssetColumns.Name),
            row.GetString(AssetColumns.Scope),
            JsonNode.Parse(LargeText.Read(row, AssetColumns.Attributes) ?? "{}") as JsonObject ?? [],
            asset,
            includeState);

    private static async Task<Dictionary<string, TableEntity>> LoadAsync(TableClient table, string partition, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.RowKeyFrom(partition, "a"), cancellationToken: cancellationToken))
        {
            rows[row.RowKey] = row;
        }

        return rows;
    }

    /// <summary>
    /// Packs changes into entity group transactions: up to 99 asset operations plus one outbox row holding their
    /// events, so a change and its event commit together, at about one extra write per 99 changes.
    /// </summary>
    internal static async Task<(int Writes, int Transactions)> WriteAsync(
        TableClient table, string partition, IReadOnlyList<(TableTransactionAction? Asset, ChangeEvent? Event)> plan, CancellationToken cancellationToken)
    {
        var ops = new List<TableTransactionAction>(TableQueries.MaxTransactionActions);
        var events = new List<string>();
        string? firstEventId = null;
        int bytes = 0, eventChars = 0, writes = 0, transactions = 0;

        async Task FlushAsync()
        {
            if (events.Count > 0)
            {
                var outbox = new TableEntity(partition, OutboxPrefix + StorageKeys.Escape(firstEventId!)) { [OutboxColumns.Count] = events.Count };
                LargeText.Write(outbox, OutboxColumns.Events, "[" + string.Join(',', events) + "]");
                ops.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, outbox));
            }

            if (ops.Count > 0)
            {
                await table.SubmitTransactionAsync(ops, cancellationToken);
                writes += ops.Count;
                transactions++;
            }

            ops.Clear();
            events.Clear();
            firstEventId = null;
            bytes = eventChars = 0;
        }

        foreach ((TableTransactionAction? asset, ChangeEvent? change) in plan)
        {
            string? json = change is null ? null : EventJson(change);
            int size = (asset is null ? 0 : EstimateBytes(asset)) + (json is null ? 0 : json.Length * 2);
            bool full = ops.Count + (asset is null ? 0 : 1) > TableQueries.MaxTransactionActions - 1
                || (ops.Count + events.Count > 0 && (bytes + size > MaxTransactionBytes || eventChars + (json?.Length ?? 0) > MaxOutboxChars));
            if (full)
            {
                await FlushAsync();
            }

            if (asset is not null)
            {
                ops.Add(asset);
            }

            if (json is not null)
            {
                events.Add(json);
                firstEventId ??= change!.Id;
                eventChars += json.Length;
            }

            bytes += size;
        }

        await FlushAsync();
        return (writes, transactions);
    }

    /// <summary>Most event text in one outbox row: it must fit an entity (1 MiB, strings stored as UTF-16).</summary>
    private const int MaxOutboxChars = 400_000;

    /// <summary>The event as stored; an asset too large for the outbox travels without its attributes (the API has them).</summary>
    private static string EventJson(ChangeEvent change)
    {
        string json = change.ToCloudEventJson().ToJsonString();
        if (json.Length <= MaxOutboxChars / 2)
        {
            return json;
        }

        JsonObject data = (JsonObject)change.Data.DeepClone();
        if (data["asset"] is JsonObject asset)
        {
            asset["attributes"] = null;
            asset["attributes_omitted"] = true;
        }

        return (change with { Data = data }).ToCloudEventJson().ToJsonString();
    }

    /// <summary>Reads the events of one outbox row, in the order they were recorded.</summary>
    internal static IReadOnlyList<ChangeEvent> ReadOutbox(TableEntity row) =>
        [.. JsonNode.Parse(LargeText.Read(row, OutboxColumns.Events) ?? "[]")!.AsArray().Select(e => ChangeEvent.FromCloudEventJson(e!.AsObject()))];

    private static int EstimateBytes(TableTransactionAction action) =>
        1024 + ((IDictionary<string, object>)action.Entity).Values.Sum(v => v is string s ? s.Length * 2 : 16);

    internal async Task<(int Writes, int Transactions)> WriteEdgesAsync(
        ScanIdentity scan, IReadOnlyCollection<DiscoveredEdge> edges, IReadOnlyDictionary<string, string?> scopes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        TableClient table = await tables.GetTableAsync(TableNames.Edges, cancellationToken);
        string partition = StorageKeys.Partition(scan.Tenant, scan.InstanceId);
        var existing = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        await foreach (TableEntity row in table.QueryAsync<TableEntity>(TableQueries.Partition(partition), cancellationToken: cancellationToken))
        {
            existing[row.RowKey] = row;
        }

        var plan = new List<(TableTransactionAction?, ChangeEvent?)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DiscoveredEdge edge in edges)
        {
            string rowKey = EdgeRows.RowKey(edge);
            if (!seen.Add(rowKey))
            {
                continue;
            }

            if (existing.TryGetValue(rowKey, out TableEntity? row) && row.GetString(EdgeColumns.State) == AssetState.Active && row.GetString(EdgeColumns.Scope) == edge.Scope)
            {
                continue;
            }

            plan.Add((new TableTransactionAction(TableTransactionActionType.UpsertReplace, EdgeRows.Create(partition, rowKey, scan, edge, now)), null));
        }

        foreach ((string rowKey, TableEntity row) in existing)
        {
            if (!seen.Contains(rowKey) && row.GetString(EdgeColumns.State) == AssetState.Active
                && scopes.TryGetValue(row.GetString(EdgeColumns.Scope) ?? string.Empty, out string? error) && error is null)
            {
                var gone = new TableEntity(partition, rowKey) { [EdgeColumns.State] = AssetState.Deleted, [EdgeColumns.StateChangedAt] = now };
                plan.Add((new TableTransactionAction(TableTransactionActionType.UpsertMerge, gone), null));
            }
        }

        return await WriteAsync(table, partition, plan, cancellationToken);
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerlessDiscovery.Domain.Instances;
using ServerlessDiscovery.Engine.ChangeFeed;
using ServerlessDiscovery.Engine.Instances;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Engine.Resolution;
using ServerlessDiscovery.Engine.Scanning;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.Findings;

/// <summary>What one evaluation changed, why it ran (<see cref="EvaluationCause.None"/>: skipped), and the rows it read.</summary>
public sealed record FindingChanges(int Opened, int Updated, int Resolved)
{
    public EvaluationCause Cause { get; init; }

    /// <summary>Inventory rows (assets and usage) and finding rows read; 0 when skipped.</summary>
    public int RowsRead { get; init; }

    public static FindingChanges Skipped { get; } = new(0, 0, 0);
}

/// <summary>
/// Brings a tenant's findings in line with the evidence: opens what <see cref="FindingRules"/> supports and is not
/// open, updates the evidence of open ones, resolves open ones it no longer supports. Opened and Resolved emit
/// CloudEvents through the outbox of the finding's instance (the same relay and webhooks as asset events), written
/// before the finding row so a crash in between repeats the event rather than losing it. Called on every discovery
/// tick, it reads a tenant's inventory only when <see cref="FindingsWatermark.Due"/> says something that can change a
/// finding changed since the last evaluation; otherwise the tick costs the instances list and one point read.
/// </summary>
public sealed partial class FindingsEvaluator(
    TenantInventory inventory,
    IInstanceStore instances,
    FindingStore store,
    InventoryWriter writer,
    TimeProvider time,
    IOptions<DiscoveryOptions> options,
    ILogger<FindingsEvaluator> logger)
{
    public async Task<FindingChanges> EvaluateAsync(string tenant, CancellationToken cancellationToken = default)
    {
        DateTimeOffset now = time.GetUtcNow();
        IReadOnlyList<PluginInstance> tenantInstances = await instances.ListAsync(tenant, cancellationToken);
        string instancesHash = InstancesHash(tenantInstances);
        FindingsWatermark? mark = await store.GetWatermarkAsync(tenant, cancellationToken);
        EvaluationCause cause = FindingsWatermark.Due(mark, instancesHash, now);
        if (cause == EvaluationCause.None)
        {
            return FindingChanges.Skipped;
        }

        TenantRows rows = await inventory.LoadAsync(tenant, cancellationToken);
        DeclaredIndex index = DeclaredIndexCache.Build(rows, tenantInstances);
        (IReadOnlyList<Finding> findings, DateTimeOffset nextUnusedAt) = FindingRules.EvaluateWithNextUnused(rows, tenantInstances, index, now, options.Value.UnusedAfter);
        Dictionary<string, Finding> desired = findings.ToDictionary(FindingStore.RowKey, StringComparer.Ordinal);
        Dictionary<string, TableEntity> existing = (await store.ListAsync(tenant, cancellationToken: cancellationToken)).ToDictionary(r => r.RowKey, StringComparer.Ordinal);

        var writes = new List<TableEntity>();
        var events = new List<ChangeEvent>();
        int opened = 0, updated = 0, resolved = 0;
        foreach ((string rowKey, Finding finding) in desired.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            existing.TryGetValue(rowKey, out TableEntity? row);
            string evidence = ContentHash.Canonical(finding.Evidence);
            if (row is not null && row.GetString(FindingColumns.State) == FindingKinds.Open)
            {
                if (LargeText.Read(row, FindingColumns.Evidence) != evidence || row.GetString(FindingColumns.Reason) != finding.Reason)
                {
                    updated++;
                    writes.Add(Row(tenant, rowKey, finding, evidence, FindingKinds.Open, row.GetDateTimeOffset(FindingColumns.OpenedAt) ?? now, now, null));
                }

                continue;
            }

            opened++;
            TableEntity next = Row(tenant, rowKey, finding, evidence, FindingKinds.Open, now, now, null);
            writes.Add(next);
            events.Add(Event(tenant, next, ChangeEventTypes.FindingOpened, now));
        }

        foreach ((string rowKey, TableEntity row) in existing.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (desired.ContainsKey(rowKey) || row.GetString(FindingColumns.State) != FindingKinds.Open)
            {
                continue;
            }

            resolved++;
            TableEntity next = AssetRows.Copy(row);
            next[FindingColumns.State] = FindingKinds.Resolved;
            next[FindingColumns.ResolvedAt] = now;
            next[FindingColumns.UpdatedAt] = now;
            writes.Add(next);
            events.Add(Event(tenant, next, ChangeEventTypes.FindingResolved, now));
        }

        foreach (IGrouping<string, ChangeEvent> group in events.GroupBy(e => e.InstanceId))
        {
            await writer.AppendEventsAsync(tenant, group.Key, [.. group], cancellationToken);
        }

        await store.UpsertAsync(writes, cancellationToken);
        await store.SetEvaluatedAsync(tenant, new FindingsWatermark(instancesHash, now, nextUnusedAt,
            cause == EvaluationCause.Observed ? now : mark?.TraceEvaluatedAt, ObservedAt: null), cancellationToken);
        if (opened + resolved > 0)
        {
            LogEvaluated(logger, tenant, opened, updated, resolved);
        }

        return new FindingChanges(opened, updated, resolved)
        {
            Cause = cause,
            RowsRead = rows.Assets.Count + rows.Usage.Count + existing.Count,
        };
    }

    /// <summary>
    /// What of a tenant's instances can change its findings: which exist, their plugin types, which are traced, and
    /// their last scan (its run id and status change when a scan starts and ends).
    /// </summary>
    public static string InstancesHash(IEnumerable<PluginInstance> tenantInstances)
    {
        var text = new StringBuilder();
        foreach (PluginInstance i in tenantInstances.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            text.Append(i.Id).Append('\n').Append(i.PluginType).Append('\n').Append(i.Traced).Append('\n')
                .Append(i.LastRunId).Append('\n').Append(i.LastRunStatus).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    private static TableEntity Row(string tenant, string rowKey, Finding f, string evidence, string state, DateTimeOffset openedAt, DateTimeOffset updatedAt, DateTimeOffset? resolvedAt)
    {
        var row = new TableEntity(tenant, rowKey)
        {
            [FindingColumns.Kind] = f.Kind,
            [FindingColumns.State] = state,
            [FindingColumns.SubjectType] = f.SubjectType,
            [FindingColumns.SubjectId] = f.SubjectId,
            [FindingColumns.Instance] = f.Instance,
            [FindingColumns.Reason] = f.Reason,
            [FindingColumns.OpenedAt] = openedAt,
            [FindingColumns.UpdatedAt] = updatedAt,
        };
        if (resolvedAt is not null)
        {
            row[FindingColumns.ResolvedAt] = resolvedAt.Value;
        }

        LargeText.Write(row, FindingColumns.Evidence, evidence);
        return row;
    }

    /// <summary>The event; its id derives from the finding and when it opened, so a repeated write is recognisable as the same event.</summary>
    private static ChangeEvent Event(string tenant, TableEntity row, string type, DateTimeOffset now)
    {
        string instance = row.GetString(FindingColumns.Instance) ?? string.Empty;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(row.RowKey)))[..16];
        long opened = (row.GetDateTimeOffset(FindingColumns.OpenedAt) ?? now).ToUnixTimeMilliseconds();
        string suffix = type == ChangeEventTypes.FindingOpened ? "opened" : "resolved";
        JsonObject finding = FindingStore.ToJson(row);
        var data = new JsonObject { ["tenant"] = tenant, ["instance"] = instance, ["finding"] = finding };
        string subject = $"findings/{row.GetString(FindingColumns.Kind)}/{row.GetString(FindingColumns.SubjectType)}/{row.GetString(FindingColumns.SubjectId)}";
        return new ChangeEvent($"finding-{hash}-{opened}-{suffix}", type, ChangeEvent.SourceFor(tenant, instance), subject, now, data);
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Findings of tenant {Tenant}: {Opened} opened, {Updated} updated, {Resolved} resolved")]
    private static partial void LogEvaluated(ILogger logger, string tenant, int opened, int updated, int resolved);
}

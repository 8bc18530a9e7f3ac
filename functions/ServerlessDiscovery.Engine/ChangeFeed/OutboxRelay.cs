using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Engine.Inventory;
using ServerlessDiscovery.Storage;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>
/// Moves events from an instance's outbox (rows "!outbox~..." beside its assets) to the event sink, oldest first,
/// deleting each row only after the sink accepted it. Each row is copied into the <see cref="ChangeLog"/> before it is published. If the sink is down the rows stay and the next tick retries:
/// events are delivered at least once and never lost.
/// </summary>
public sealed partial class OutboxRelay(TableStore tables, IEventSink sink, ChangeLog changeLog, ILogger<OutboxRelay> logger) : IDisposable
{
    private const int PageSize = 20;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Publishes the instance's pending events; returns how many were published. Never throws for a sink failure.</summary>
    public async Task<int> RelayAsync(string tenant, string instanceId, CancellationToken cancellationToken = default)
    {
        // One relay at a time per process keeps order within an instance's outbox.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            TableClient table = await tables.GetTableAsync(TableNames.Assets, cancellationToken);
            string partition = StorageKeys.Partition(tenant, instanceId);
            int published = 0;
            while (true)
            {
                TablePage<TableEntity> page = await table.QueryPageAsync<TableEntity>(
                    TableQueries.RowKeyPrefix(partition, InventoryWriter.OutboxPrefix), PageSize, cancellationToken: cancellationToken);
                if (page.Items.Count == 0)
                {
                    return published;
                }

                var events = new List<ChangeEvent>();
                foreach (TableEntity row in page.Items)
                {
                    events.AddRange(InventoryWriter.ReadOutbox(row));
                }

                try
                {
                    await changeLog.AppendAsync(tenant, instanceId, page.Items, cancellationToken);
                }
                catch (RequestFailedException ex)
                {
                    LogChangeLogFailed(logger, tenant, instanceId, events.Count, ex.Status, ex.ErrorCode);
                    return published;
                }

                try
                {
                    await sink.PublishAsync(events, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogPublishFailed(logger, sink.Name, tenant, instanceId, events.Count, ex.GetType().Name, ex.Message);
                    return published;
                }

                for (int i = 0; i < page.Items.Count; i += TableQueries.MaxTransactionActions)
                {
                    TableEntity[] chunk = [.. page.Items.Skip(i).Take(TableQueries.MaxTransactionActions)];
                    try
                    {
                        await table.SubmitTransactionAsync([.. chunk.Select(r => new TableTransactionAction(TableTransactionActionType.Delete, r, ETag.All))], cancellationToken);
                    }
                    catch (TableTransactionFailedException ex) when (ex.Status == 404)
                    {
                        // Another host relayed some of these rows and deleted them first: delete the rest (a missing row answers 404, no exception).
                        foreach (TableEntity row in chunk)
                        {
                            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, ETag.All, cancellationToken);
                        }
                    }
                }

                published += events.Count;
                if (page.Items.Count < PageSize)
                {
                    return published;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Publishing {Count} events of {Tenant}/{Instance} to {Sink} failed ({ErrorType}: {Error}); they stay in the outbox for the next tick")]
    private static partial void LogPublishFailed(ILogger logger, string sink, string tenant, string instance, int count, string errorType, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Recording {Count} events of {Tenant}/{Instance} in the change log failed ({Status} {ErrorCode}); they stay in the outbox for the next tick")]
    private static partial void LogChangeLogFailed(ILogger logger, string tenant, string instance, int count, int status, string? errorCode);
}

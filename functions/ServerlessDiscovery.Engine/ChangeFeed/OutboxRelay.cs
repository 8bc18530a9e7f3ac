using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ServerlessDiscovery.Domain.ChangeFeed;

namespace ServerlessDiscovery.Engine.ChangeFeed;

/// <summary>
/// Moves events from an instance's outbox (<see cref="IOutboxStore"/>) to the event sink, oldest first, deleting each
/// entry only after the sink accepted it. Each entry is copied into the <see cref="ChangeLog"/> before it is published.
/// If the sink is down the entries stay and the next tick retries:
/// events are delivered at least once and never lost.
/// </summary>
public sealed partial class OutboxRelay(IOutboxStore outbox, IEventSink sink, ChangeLog changeLog, ILogger<OutboxRelay> logger) : IDisposable
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
            int published = 0;
            while (true)
            {
                IReadOnlyList<OutboxEntry> page = await outbox.ReadOutboxAsync(tenant, instanceId, PageSize, cancellationToken);
                if (page.Count == 0)
                {
                    return published;
                }

                List<ChangeEvent> events = [.. page.SelectMany(Read)];
                try
                {
                    await changeLog.AppendAsync(tenant, instanceId, page, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogChangeLogFailed(logger, tenant, instanceId, events.Count, ex.GetType().Name);
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

                await outbox.DeleteOutboxAsync(tenant, instanceId, page, cancellationToken);
                published += events.Count;
                if (page.Count < PageSize)
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

    /// <summary>The events of one outbox entry, in the order they were recorded.</summary>
    internal static IEnumerable<ChangeEvent> Read(OutboxEntry entry) =>
        JsonNode.Parse(entry.EventsJson, documentOptions: new JsonDocumentOptions { MaxDepth = 64 })!.AsArray().Select(e => ChangeEvent.FromCloudEventJson(e!.AsObject()));

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning,
        Message = "Publishing {Count} events of {Tenant}/{Instance} to {Sink} failed ({ErrorType}: {Error}); they stay in the outbox for the next tick")]
    private static partial void LogPublishFailed(ILogger logger, string sink, string tenant, string instance, int count, string errorType, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Recording {Count} events of {Tenant}/{Instance} in the change log failed ({ErrorType}); they stay in the outbox for the next tick")]
    private static partial void LogChangeLogFailed(ILogger logger, string tenant, string instance, int count, string errorType);
}

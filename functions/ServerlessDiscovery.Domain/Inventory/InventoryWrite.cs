namespace ServerlessDiscovery.Domain.Inventory;

/// <summary>
/// One write the inventory's logic asks of its store. Conditions are the store's optimistic concurrency: a write whose
/// condition fails makes the whole commit it is part of fail with <see cref="WriteConflictException"/>.
/// </summary>
public abstract record InventoryWrite;

/// <summary>
/// Stores the asset whole (every field, replacing what was there). <paramref name="IfMatch"/>: only over the version with
/// that concurrency token; <paramref name="IfAbsent"/>: only when no such asset exists yet; neither: unconditionally.
/// </summary>
public sealed record PutAsset(Asset Asset, string? IfMatch = null, bool IfAbsent = false) : InventoryWrite;

/// <summary>
/// Moves an asset's last sighting forward without touching its content: <paramref name="LastSeen"/> and, when given, its
/// usage totals and drain ids. With <paramref name="IfMatch"/> only over that version; without it, an upsert.
/// </summary>
public sealed record TouchAsset(AssetKey Key, DateTimeOffset LastSeen, UsageTotals? Usage = null, string? Drains = null, string? IfMatch = null) : InventoryWrite;

/// <summary>Stores a declared asset's usage: created when <see cref="AssetUsage.ETag"/> is null (and none exists), otherwise only over that version.</summary>
public sealed record PutUsage(AssetUsage Usage) : InventoryWrite;

/// <summary>Removes a declared asset's usage, whatever its version.</summary>
public sealed record DeleteUsage(AssetKey Key) : InventoryWrite;

/// <summary>Stores an edge whole (an upsert).</summary>
public sealed record PutEdge(Edge Edge) : InventoryWrite;

/// <summary>Marks an edge deleted as of <paramref name="At"/> (when it exists).</summary>
public sealed record RetireEdge(EdgeKey Key, DateTimeOffset At) : InventoryWrite;

/// <summary>A change event as the outbox stores it: its CloudEvent id and its CloudEvent JSON.</summary>
public sealed record OutboxEvent(string Id, string Json);

/// <summary>
/// One step of a commit: a write, the change event that records it, or both; a write and its event are stored
/// together or not at all.
/// </summary>
public sealed record PlannedChange(InventoryWrite? Write, OutboxEvent? Event)
{
    public static PlannedChange Of(InventoryWrite write) => new(write, null);
}

/// <summary>What a commit stored: entity writes (events' outbox rows included) and the atomic batches they went in.</summary>
public readonly record struct CommitResult(int Writes, int Batches)
{
    public static CommitResult operator +(CommitResult a, CommitResult b) => new(a.Writes + b.Writes, a.Batches + b.Batches);
}

/// <summary>The store refused what it was asked to hold (too large, a value it cannot store): writing it again will not help.</summary>
public sealed class InventoryRefusedException : Exception
{
    public InventoryRefusedException()
    {
    }

    public InventoryRefusedException(string message) : base(message)
    {
    }

    public InventoryRefusedException(string message, Exception inner) : base(message, inner)
    {
    }
}

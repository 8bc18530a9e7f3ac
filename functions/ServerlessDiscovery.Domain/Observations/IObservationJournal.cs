namespace ServerlessDiscovery.Domain.Observations;

/// <summary>
/// The OTLP write-ahead journal: each append is durable before it returns, so an acknowledgement given after it
/// survives a crash. Drainers on any host claim entries with a lease (two hosts never hold the same entry), apply them,
/// then complete (remove) them; an entry whose drainer died is claimed again once its lease has run out.
/// </summary>
public interface IObservationJournal
{
    /// <summary>Separates the drain ids of an entry's lineage (<see cref="JournalEntry.DrainId"/>).</summary>
    const char LineageSeparator = ':';

    /// <summary>
    /// Appends payloads of one tenant, each as its own entry, all of an ordinary request together (stored together or
    /// not at all). Throws when storage does not take them, or <see cref="ArgumentException"/> when one is too large.
    /// </summary>
    Task AppendAsync(string tenant, IReadOnlyList<ReadOnlyMemory<byte>> payloads, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims entries nobody holds (never claimed, or their lease ran out) for <paramref name="lease"/>, up to about
    /// <paramref name="maxBytes"/> of payload, for the drain <paramref name="drainId"/> (an entry claimed before appends
    /// it to its lineage). Entries another host claimed first are skipped.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ClaimAsync(string drainId, TimeSpan lease, int maxBytes, CancellationToken cancellationToken = default);

    /// <summary>Removes applied entries. An entry another drainer has since claimed (its lease ran out) is left to that drainer.</summary>
    Task CompleteAsync(IEnumerable<JournalEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>Entries in the journal, claimed or not (for tests and diagnostics).</summary>
    Task<int> CountAsync(CancellationToken cancellationToken = default);
}

/// <summary>One journal entry handed to a drainer: its payload and the claim that lets it be completed.</summary>
/// <param name="Tenant">The tenant the payload belongs to.</param>
/// <param name="Id">The entry's id within the tenant's journal (ordered by append time).</param>
/// <param name="Payload">The payload as appended.</param>
/// <param name="DrainId">
/// The entry's drain lineage: the id of the drain that first claimed it, then, separated by
/// <see cref="IObservationJournal.LineageSeparator"/>, the id of each drain that claimed it again after an earlier
/// claim's lease ran out. Entries sharing a lineage were applied together by its last drain, so the inventory remembers
/// what a drain wrote by its lineage and recognises any later re-application of those entries, however they come back split.
/// </param>
/// <param name="Attempts">How many times the entry has been claimed, this claim included.</param>
/// <param name="Claim">
/// The store's version token of the entry after this claim (opaque); completing with it does nothing if another drainer
/// took the entry over since.
/// </param>
public sealed record JournalEntry(string Tenant, string Id, byte[] Payload, string DrainId, int Attempts, string Claim);

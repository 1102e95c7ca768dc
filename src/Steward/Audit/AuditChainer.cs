using Microsoft.EntityFrameworkCore;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>
/// Links unchained entries into the chain: gives each the next position, the previous chain MAC and its
/// own chain MAC. One chainer at a time (a transaction-scoped advisory lock on PostgreSQL, the write lock
/// on SQLite), each batch in one transaction.
/// </summary>
/// <remarks>
/// Why no entry is skipped or chained twice:
/// <list type="bullet">
/// <item>Entries are picked by state (<c>Sequence IS NULL</c>), never by an id above a high-water mark.
/// An insertion id may commit after a higher one on PostgreSQL; such an entry is simply not visible yet,
/// stays unchained, and is picked up by a later batch. The chain's order is the order in which entries
/// became visible to the chainer, which need not be the order of their ids or timestamps.</item>
/// <item>The head is read after the lock is taken, in a statement of its own, so under READ COMMITTED it
/// sees every batch committed before. Positions and MACs of a batch are written in one transaction:
/// a crash before the commit leaves the batch unchained (it is chained by the next run), a crash after it
/// leaves it chained. A unique index on the position backs this up.</item>
/// <item>Writers only insert; nobody but the chainer updates an entry.</item>
/// </list>
/// </remarks>
internal sealed partial class AuditChainer(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, ILogger<AuditChainer> logger)
{
    // Distinct from any lock a writer takes: only chainers wait on it.
    private const long ChainLock = 7305150020;

    /// <summary>Entries per transaction; tests make it small to crash between batches.</summary>
    internal int BatchSize { get; set; } = 1000;

    /// <summary>Runs between writing a batch's positions and committing them; tests make it throw to stand for a crash.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>
    /// Chains every entry visible now; returns how many. With <paramref name="wait"/> false, returns 0 at
    /// once when another node is chaining (it will chain these too).
    /// </summary>
    public async Task<int> ChainPendingAsync(bool wait, CancellationToken ct)
    {
        var total = await ChainAllBatchesAsync(wait, ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        Unchained = await db.AuditEntries.LongCountAsync(e => e.Sequence == null, ct);
        return total;
    }

    /// <summary>Entries left unchained after the last run (refused ones, or those another node is chaining): the chain lag metric.</summary>
    public long Unchained { get; private set; }

    private async Task<int> ChainAllBatchesAsync(bool wait, CancellationToken ct)
    {
        var total = 0;
        // A cursor for this run only, so refused entries are passed over; the next run starts again from
        // the lowest unchained id, so an entry that commits late is never passed over for good.
        long after = 0;
        while (true)
        {
            var batch = await ChainBatchAsync(wait, after, ct);
            if (batch is null) return total;
            total += batch.Value.Chained;
            if (batch.Value.Read < BatchSize) return total;
            after = batch.Value.LastId;
        }
    }

    /// <summary>One batch in one transaction; null when another chainer holds the lock.</summary>
    private async Task<(int Chained, int Read, long LastId)?> ChainBatchAsync(bool wait, long after, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            if (wait) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", ct);
            else if (!await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({ChainLock}) AS \"Value\"").SingleAsync(ct))
                return null;
        }
        var pending = await db.AuditEntries.Where(e => e.Sequence == null && e.Id > after).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
        if (pending.Count == 0) return (0, 0, after);
        var head = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash }).FirstOrDefaultAsync(ct);
        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditEntryEncoding.GenesisHash;
        var chained = 0;
        // A replayed copy carries a valid MAC (the MAC binds the entry's id, not the row): refuse an id already chained or seen.
        var ids = pending.Select(e => e.EntryId).ToList();
        var taken = (await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null && ids.Contains(e.EntryId)).Select(e => e.EntryId).ToListAsync(ct)).ToHashSet();
        foreach (var entry in pending)
        {
            var key = await keys.FindAsync(AuditLog.MacKeyPurpose, entry.KeyVersion, ct);
            if (key is null || !taken.Add(entry.EntryId)
                || !string.Equals(AuditEntryEncoding.EntryMac(entry, key.Material), entry.EntryMac, StringComparison.Ordinal))
            {
                // Not written by Steward (or altered since): never give it a place; verify reports it.
                LogRefused(logger, entry.Id);
                continue;
            }
            entry.Sequence = ++sequence;
            entry.PreviousHash = previous;
            entry.Hash = AuditEntryEncoding.ChainMac(sequence, entry.EntryMac, previous, key.Material);
            previous = entry.Hash;
            chained++;
        }
        await db.SaveChangesAsync(ct);
        if (BeforeCommit is { } hook) await hook(ct);
        await tx.CommitAsync(ct);
        return (chained, pending.Count, pending[^1].Id);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Audit entry with insertion id {Id} has no valid MAC and was not chained")]
    private static partial void LogRefused(ILogger logger, long id);
}

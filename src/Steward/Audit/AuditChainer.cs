using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
/// <item>A batch is planned (head read, then entries read and checked, links computed) before the lock, so
/// writers on SQLite wait for the lock only while the links are written. Under the lock the head is read
/// again: only a chainer moves it, so an unchanged head means nobody chained since the plan was made;
/// otherwise the batch is planned again under the lock. Every link is written only onto a still unchained
/// row, and the batch fails unless each one was.</item>
/// <item>Positions and MACs of a batch are written in one transaction: a crash before the commit leaves the
/// batch unchained (it is chained by the next run), a crash after it leaves it chained. A unique index on
/// the position backs this up.</item>
/// <item>Writers only insert; nobody but the chainer updates an entry.</item>
/// </list>
/// </remarks>
internal sealed partial class AuditChainer(IDbContextFactory<StewardDbContext> contexts, KeyRing keys, ILogger<AuditChainer> logger)
{
    // Distinct from any lock a writer takes: only chainers wait on it.
    private const long ChainLock = 7305150020;

    // A refused entry stays unchained and is read again by every run: warn about it once per process, not each time.
    private readonly ConcurrentDictionary<long, bool> _reported = new();

    /// <summary>Entries per transaction; tests make it small to crash between batches.</summary>
    internal int BatchSize { get; set; } = 1000;

    /// <summary>Runs between planning a batch and taking the lock; tests chain on another node there.</summary>
    internal Func<CancellationToken, Task>? BeforeLock { get; set; }

    /// <summary>Runs between writing a batch's positions and committing them; tests make it throw to stand for a crash.</summary>
    internal Func<CancellationToken, Task>? BeforeCommit { get; set; }

    /// <summary>Entries left unchained after the last run (refused ones, or those another node is chaining): the chain lag metric.</summary>
    public long Unchained { get; private set; }

    /// <summary>Position of the newest chained entry as the last run saw it.</summary>
    public long Head { get; private set; }

    /// <summary>
    /// Chains every entry visible now; returns how many. With <paramref name="wait"/> false, returns at once
    /// when another node is chaining (it will chain these too).
    /// </summary>
    public async Task<int> ChainPendingAsync(bool wait, CancellationToken ct)
    {
        var total = 0;
        var refused = 0;
        // A cursor for this run only, so refused entries are passed over; the next run starts again from
        // the lowest unchained id, so an entry that commits late is never passed over for good.
        long after = 0;
        while (true)
        {
            var batch = await ChainBatchAsync(wait, after, ct);
            if (batch is null)
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                Unchained = await db.AuditEntries.LongCountAsync(e => e.Sequence == null, ct);
                return total;
            }
            Head = batch.To.Sequence;
            total += batch.Links.Count;
            refused += batch.Read - batch.Links.Count;
            if (batch.Read < BatchSize)
            {
                // Every unchained entry visible now was read by this run: what is left is what it refused.
                Unchained = refused;
                return total;
            }
            after = batch.LastId;
        }
    }

    /// <summary>One batch in one transaction; null when another chainer holds the lock.</summary>
    private async Task<Plan?> ChainBatchAsync(bool wait, long after, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var plan = await PlanAsync(db, after, ct);
        if (plan.Links.Count == 0) return plan;
        if (BeforeLock is { } planned) await planned(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Database.IsNpgsql())
        {
            if (wait) await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLock})", ct);
            else if (!await db.Database.SqlQueryRaw<bool>($"SELECT pg_try_advisory_xact_lock({ChainLock}) AS \"Value\"").SingleAsync(ct))
                return null;
        }
        // Read after the lock, in a statement of its own, so under READ COMMITTED it sees every batch committed before.
        if (await HeadAsync(db, ct) != plan.From)
        {
            plan = await PlanAsync(db, after, ct);
            if (plan.Links.Count == 0) return plan;
        }
        var written = await WriteLinksAsync(db, plan.Links, ct);
        if (written != plan.Links.Count)
            throw new InvalidOperationException($"Chaining wrote {written} of {plan.Links.Count} links: another chainer ran at the same time.");
        if (BeforeCommit is { } hook) await hook(ct);
        await tx.CommitAsync(ct);
        return plan;
    }

    private sealed record ChainHead(long Sequence, string Hash);

    /// <summary>What one batch writes: each checked entry's id, position and MACs, continuing the chain from <see cref="From"/>.</summary>
    private sealed record Plan(ChainHead From, ChainHead To, IReadOnlyList<Link> Links, int Read, long LastId);

    private sealed record Link(long Id, long Sequence, string PreviousHash, string Hash);

    private static async Task<ChainHead> HeadAsync(StewardDbContext db, CancellationToken ct) =>
        await db.AuditEntries.AsNoTracking().Where(e => e.Sequence != null).OrderByDescending(e => e.Sequence)
            .Select(e => new ChainHead(e.Sequence!.Value, e.Hash!)).FirstOrDefaultAsync(ct)
        ?? new ChainHead(0, AuditEntryEncoding.GenesisHash);

    /// <summary>
    /// Reads the head, then the next unchained entries, and links each entry Steward wrote after it. The head comes
    /// first: a chainer that commits in between moves it, which the caller sees when it reads the head again.
    /// </summary>
    private async Task<Plan> PlanAsync(StewardDbContext db, long after, CancellationToken ct)
    {
        var head = await HeadAsync(db, ct);
        // A replayed copy carries a valid MAC (the MAC binds the entry's id, not the row): refuse an id already chained or seen.
        var pending = await db.AuditEntries.AsNoTracking().Where(e => e.Sequence == null && e.Id > after).OrderBy(e => e.Id).Take(BatchSize)
            .Select(e => new { Entry = e, Taken = db.AuditEntries.Any(c => c.EntryId == e.EntryId && c.Sequence != null) })
            .ToListAsync(ct);
        var links = new List<Link>(pending.Count);
        var seen = new HashSet<Guid>();
        var (sequence, previous) = head;
        foreach (var (entry, taken) in pending.Select(p => (p.Entry, p.Taken)))
        {
            var key = await keys.FindAsync(AuditLog.MacKeyPurpose, entry.KeyVersion, ct);
            if (key is null || taken || !seen.Add(entry.EntryId)
                || !string.Equals(AuditEntryEncoding.EntryMac(entry, key.Material), entry.EntryMac, StringComparison.Ordinal))
            {
                // Not written by Steward (or altered since): never give it a place; verify reports it.
                if (_reported.TryAdd(entry.Id, true)) LogRefused(logger, entry.Id);
                continue;
            }
            sequence++;
            var hash = AuditEntryEncoding.ChainMac(sequence, entry.EntryMac, previous, key.Material);
            links.Add(new Link(entry.Id, sequence, previous, hash));
            previous = hash;
        }
        return new Plan(head, new ChainHead(sequence, previous), links, pending.Count, pending.Count == 0 ? after : pending[^1].Entry.Id);
    }

    /// <summary>Writes a batch's links, each only onto a row that is still unchained; returns how many rows took one.</summary>
    private static async Task<int> WriteLinksAsync(StewardDbContext db, IReadOnlyList<Link> links, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // One statement (one round trip) for the whole batch.
            long[] ids = [.. links.Select(l => l.Id)], sequences = [.. links.Select(l => l.Sequence)];
            string[] previous = [.. links.Select(l => l.PreviousHash)], hashes = [.. links.Select(l => l.Hash)];
            return await db.Database.ExecuteSqlAsync($"""
                UPDATE audit_entries AS e SET "Sequence" = v.sequence, "PreviousHash" = v.previous, "Hash" = v.hash
                FROM unnest({ids}, {sequences}, {previous}, {hashes}) AS v(id, sequence, previous, hash)
                WHERE e."Id" = v.id AND e."Sequence" IS NULL
                """, ct);
        }
        // SQLite is in-process, so no round trips to save: one prepared statement, run once per link, finds each row by its key.
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = """
            UPDATE "audit_entries" SET "Sequence" = $sequence, "PreviousHash" = $previous, "Hash" = $hash
            WHERE "Id" = $id AND "Sequence" IS NULL
            """;
        var (id, sequence, previousHash, hash) = (Parameter(command, "$id"), Parameter(command, "$sequence"), Parameter(command, "$previous"), Parameter(command, "$hash"));
        var written = 0;
        foreach (var link in links)
        {
            (id.Value, sequence.Value, previousHash.Value, hash.Value) = (link.Id, link.Sequence, link.PreviousHash, link.Hash);
            written += await command.ExecuteNonQueryAsync(ct);
        }
        return written;
    }

    private static DbParameter Parameter(DbCommand command, string name)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        command.Parameters.Add(p);
        return p;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Audit entry with insertion id {Id} has no valid MAC and was not chained")]
    private static partial void LogRefused(ILogger logger, long id);
}

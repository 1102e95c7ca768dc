using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Storage;

namespace Steward.People;

/// <summary>A subject found or created for an identity.</summary>
internal sealed record SubjectMatch(Guid SubjectId, bool Created);

/// <summary>What adding an identity to a subject did.</summary>
internal enum AddIdentityResult
{
    Added,
    /// <summary>The subject already had it.</summary>
    AlreadyBound,
    /// <summary>Another subject has it: a conflict for the caller to resolve (e.g. link or merge), not an error.</summary>
    BoundToAnotherSubject,
    /// <summary>No such subject, or it was erased or merged into another.</summary>
    NoSuchSubject,
}

/// <summary>What linking a cookie (or device) to an account did.</summary>
internal enum LinkResult
{
    /// <summary>One of the two was new and joined the other's subject (or both were new).</summary>
    Linked,
    AlreadyLinked,
    /// <summary>The cookie's subject was merged into the account's: its identities and history moved.</summary>
    Merged,
    /// <summary>The cookie already belongs to a different account (a shared browser): nothing merged, issue a new cookie id.</summary>
    CookieOfAnotherAccount,
}

internal sealed record LinkOutcome(LinkResult Result, Guid SubjectId, Guid? MergedFrom = null);

/// <summary>A subject's identities in clear, for staff.</summary>
internal sealed record RevealedSubject(Guid Id, DateTimeOffset CreatedAt, string? Jurisdiction, DateTimeOffset? ErasedAt, Guid? MergedIntoId, IReadOnlyList<RevealedIdentity> Identities);

internal sealed record RevealedIdentity(Guid Id, IdentityType Type, string Value, DateTimeOffset CreatedAt, DateTimeOffset LastSeenAt);

/// <summary>
/// A feature that keeps rows per subject (consent events, later requests) moves them when two subjects merge.
/// Runs inside the merge's transaction: change rows through the given context (tracked or set-based), never save or commit.
/// Register with <c>services.AddSingleton&lt;ISubjectMergeStep, X&gt;()</c>.
/// </summary>
internal interface ISubjectMergeStep
{
    Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct);
}

/// <summary>
/// The two subjects of a merge with their data keys in clear: values sealed for <see cref="From"/> are opened with
/// <see cref="FromKey"/> and sealed again for <see cref="Into"/>, since the source's key is destroyed by the merge.
/// </summary>
internal sealed record SubjectMerge(Guid From, byte[] FromKey, Guid Into, byte[] IntoKey);

/// <summary>
/// The people Steward knows and their identities: find or create a subject by identity, add identities, link a
/// visitor's cookie to their account when they sign in (merging histories), reveal identities to staff, and destroy a
/// subject's data key. Every change and every reveal is audited with ids only; no identity value leaves this class
/// except through <see cref="RevealAsync"/>.
/// </summary>
internal sealed class PeopleDirectory(
    IDbContextFactory<StewardDbContext> contexts, BlindIndex index, SubjectKeys keys, AuditLog audit, IEnumerable<ISubjectMergeStep> mergeSteps,
    SubjectLookupCache lookups, LiveSubjectCache live, ChangeNotifications notifications, Erasures.ErasureTombstones tombstones, TimeProvider time)
{
    /// <summary>Last-seen times are bookkeeping: refreshed at most this often, so a lookup is rarely a write.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromHours(1);
    public const int MaxJurisdictionLength = 32;

    /// <summary>The subject that has <paramref name="identity"/>, if any.</summary>
    public async Task<Guid?> FindAsync(Identity identity, CancellationToken ct)
    {
        var indexes = await index.ComputeAsync(identity, ct);
        var key = SubjectLookupCache.KeyOf(identity.Type, indexes[0]);
        if (lookups.TryGet(key, out var known)) return known;
        var generation = lookups.Generation;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var found = await FindRowAsync(db, identity.Type, indexes, ct);
        if (found is not null) lookups.Put(key, found.SubjectId, found.LastSeenAt + TouchInterval, generation);
        return found?.SubjectId;
    }

    /// <summary>
    /// The subject that has <paramref name="identity"/>, created (with the identity) when there is none. Two callers
    /// creating the same identity at once end with one subject: the unique blind index lets one insert win, the other reads it.
    /// </summary>
    public async Task<SubjectMatch> FindOrCreateAsync(Identity identity, string? jurisdiction, string actor, CancellationToken ct)
    {
        if (jurisdiction is { Length: > MaxJurisdictionLength }) throw new ArgumentException($"A jurisdiction key has at most {MaxJurisdictionLength} characters.", nameof(jurisdiction));
        var indexes = await index.ComputeAsync(identity, ct);
        // Someone seen recently is found in memory: no read, and no last-seen time due for a refresh.
        var key = SubjectLookupCache.KeyOf(identity.Type, indexes[0]);
        if (lookups.TryGet(key, out var known, seenAt: time.GetUtcNow())) return new SubjectMatch(known, Created: false);
        var wrapping = await keys.WrappingKeyAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            var generation = lookups.Generation;
            await using (var read = await contexts.CreateDbContextAsync(ct))
            {
                if (await FindRowAsync(read, identity.Type, indexes, ct) is { } found)
                {
                    var touchDue = await TouchAsync(read, found, ct);
                    lookups.Put(key, found.SubjectId, touchDue, generation);
                    return new SubjectMatch(found.SubjectId, Created: false);
                }
            }
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var subject = NewSubject(db, jurisdiction, out var dataKey, wrapping);
                var row = AddIdentityRow(db, subject.Id, dataKey, identity, indexes[0]);
                await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.subject-created", Target(subject.Id),
                    new { identity = row.Id, type = IdentityTypes.Name(identity.Type) }), ct);
                await tombstones.FlagComebackWithinAsync(db, subject.Id, identity.Type, indexes, actor, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return new SubjectMatch(subject.Id, Created: true);
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Another request created this identity at the same moment: the next pass reads theirs.
            }
        }
    }

    /// <summary>Gives <paramref name="subjectId"/> another identity; one that another subject has is a conflict, reported, not thrown.</summary>
    public async Task<AddIdentityResult> AddIdentityAsync(Guid subjectId, Identity identity, string actor, CancellationToken ct)
    {
        var indexes = await index.ComputeAsync(identity, ct);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                if (await FindRowAsync(db, identity.Type, indexes, ct) is { } existing)
                    return existing.SubjectId == subjectId ? AddIdentityResult.AlreadyBound : AddIdentityResult.BoundToAnotherSubject;
                await LockSubjectAsync(db, subjectId, exclusive: false, ct);
                var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
                if (subject is null || subject.MergedIntoId is not null || await keys.OpenAsync(subject, ct) is not { } dataKey)
                    return AddIdentityResult.NoSuchSubject;
                var row = AddIdentityRow(db, subject.Id, dataKey, identity, indexes[0]);
                await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.identity-added", Target(subject.Id),
                    new { identity = row.Id, type = IdentityTypes.Name(identity.Type) }), ct);
                await tombstones.FlagComebackWithinAsync(db, subject.Id, identity.Type, indexes, actor, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return AddIdentityResult.Added;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // The same identity was added elsewhere at the same moment: the next pass says to whom.
            }
        }
    }

    /// <summary>
    /// S2.2: a visitor known by a cookie (or device) id signs in to an account. The two end as one subject: a new one
    /// joins the other's subject, and when both have subjects the cookie's is merged into the account's (identities
    /// re-encrypted under the account subject's key, every <see cref="ISubjectMergeStep"/> moving its rows), in one audited transaction.
    /// </summary>
    public async Task<LinkOutcome> LinkAsync(Identity cookie, Identity account, string actor, CancellationToken ct)
    {
        if (cookie.Type is not (IdentityType.CookieId or IdentityType.DeviceId)) throw new ArgumentException("Link a cookie id or a device id.", nameof(cookie));
        if (account.Type != IdentityType.AccountId) throw new ArgumentException("Link to an account id.", nameof(account));
        var cookieIndexes = await index.ComputeAsync(cookie, ct);
        var accountIndexes = await index.ComputeAsync(account, ct);
        var wrapping = await keys.WrappingKeyAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            // Each pass reads again after a merge or an erasure of the same people; they do not go on for ever.
            if (attempt == 5)
                throw new Hosting.StewardException("The visitor or the account kept changing while they were being linked (merged or erased meanwhile); nothing was linked. Try again.");
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var c = await FindRowAsync(db, cookie.Type, cookieIndexes, ct);
                var a = await FindRowAsync(db, account.Type, accountIndexes, ct);
                LinkOutcome outcome;
                if (c is not null && a is not null && c.SubjectId == a.SubjectId) return new LinkOutcome(LinkResult.AlreadyLinked, a.SubjectId);
                if (c is null && a is null)
                {
                    var subject = NewSubject(db, jurisdiction: null, out var dataKey, wrapping);
                    AddIdentityRow(db, subject.Id, dataKey, account, accountIndexes[0]);
                    AddIdentityRow(db, subject.Id, dataKey, cookie, cookieIndexes[0]);
                    await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.subject-created", Target(subject.Id),
                        new { types = new[] { IdentityTypes.Name(account.Type), IdentityTypes.Name(cookie.Type) } }), ct);
                    await tombstones.FlagComebackWithinAsync(db, subject.Id, account.Type, accountIndexes, actor, ct);
                    await tombstones.FlagComebackWithinAsync(db, subject.Id, cookie.Type, cookieIndexes, actor, ct);
                    outcome = new LinkOutcome(LinkResult.Linked, subject.Id);
                }
                else if (c is null || a is null)
                {
                    var (known, missing, missingIndex) = c is null ? (a!, cookie, cookieIndexes[0]) : (c, account, accountIndexes[0]);
                    await LockSubjectAsync(db, known.SubjectId, exclusive: false, ct);
                    var subject = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == known.SubjectId, ct);
                    // Erased or merged since its identity was read: read again.
                    if (subject.MergedIntoId is not null || await keys.OpenAsync(subject, ct) is not { } dataKey) continue;
                    var row = AddIdentityRow(db, subject.Id, dataKey, missing, missingIndex);
                    await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.identity-added", Target(subject.Id),
                        new { identity = row.Id, type = IdentityTypes.Name(missing.Type) }), ct);
                    await tombstones.FlagComebackWithinAsync(db, subject.Id, missing.Type, c is null ? cookieIndexes : accountIndexes, actor, ct);
                    outcome = new LinkOutcome(LinkResult.Linked, subject.Id);
                }
                else if (await db.Set<SubjectIdentity>().AnyAsync(i => i.SubjectId == c.SubjectId && i.Type == IdentityType.AccountId, ct))
                {
                    // Two accounts on one browser are two people: merging would hand one person's history to the other.
                    return new LinkOutcome(LinkResult.CookieOfAnotherAccount, a.SubjectId);
                }
                else if (await MergeWithinAsync(db, c.SubjectId, a.SubjectId, actor, ct))
                {
                    outcome = new LinkOutcome(LinkResult.Merged, a.SubjectId, MergedFrom: c.SubjectId);
                }
                else
                {
                    continue; // the cookie's subject was merged by a concurrent sign-in; read again
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                if (outcome.MergedFrom is { } from)
                {
                    ForgetGone([from]);
                }
                return outcome;
            }
            catch (Exception e) when (attempt < 2 && (e is DbUpdateException || e is Npgsql.PostgresException { SqlState: "40P01" or "40001" }))
            {
                // One of the identities was created elsewhere at the same moment, or PostgreSQL broke a lock cycle with a
                // recording of the same people: the next pass reads again.
            }
        }
    }

    /// <summary>Moves everything of <paramref name="from"/> to <paramref name="into"/>; false when <paramref name="from"/> was merged or erased meanwhile.</summary>
    private async Task<bool> MergeWithinAsync(StewardDbContext db, Guid from, Guid into, string actor, CancellationToken ct)
    {
        // Both rows locked first (in one order, so two merges cannot wait for each other), then read: what is read stands.
        foreach (var (id, exclusive) in new[] { (from, true), (into, false) }.OrderBy(x => x.Item1))
            await LockSubjectAsync(db, id, exclusive, ct);
        var source = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == from, ct);
        var target = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == into, ct);
        var sourceKey = await keys.OpenAsync(source, ct);
        var targetKey = await keys.OpenAsync(target, ct);
        if (sourceKey is null || targetKey is null || target.MergedIntoId is not null) return false;
        // Claims the source row (a row lock on PostgreSQL): a concurrent merge of the same subject finds nothing to claim.
        var claimed = await db.Set<DataSubject>().Where(s => s.Id == from && s.MergedIntoId == null && s.ErasedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.MergedIntoId, into).SetProperty(x => x.WrappedDataKey, (byte[]?)null), ct);
        if (claimed == 0) return false;
        await SubjectLookupCache.PublishWithinAsync(notifications, db, [from], ct);
        var moved = await db.Set<SubjectIdentity>().Where(i => i.SubjectId == from).ToListAsync(ct);
        foreach (var row in moved)
        {
            // The ciphertext is bound to its subject: re-encrypted, not just re-pointed.
            var value = SubjectKeys.Decrypt(sourceKey, from, row.Type, row.Ciphertext);
            row.Ciphertext = SubjectKeys.Encrypt(targetKey, into, row.Type, value);
            row.SubjectId = into;
        }
        foreach (var step in mergeSteps) await step.MoveAsync(db, new SubjectMerge(from, sourceKey, into, targetKey), ct);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.subjects-merged", Target(into), new { from, identities = moved.Count }), ct);
        return true;
    }

    /// <summary>
    /// On PostgreSQL, locks a subject's row until the transaction ends; read it after this. <paramref name="exclusive"/>
    /// (FOR UPDATE) before it is merged away or erased: it waits for every recording inserting consent events for the
    /// person (their foreign key holds the row FOR KEY SHARE) and makes later ones wait, then fail, since the database
    /// refuses events for a person merged or erased (migration ConsentEventsOnLiveSubjects). Shared (FOR SHARE) before
    /// something is added to it (an identity, a merged person's events): a merge or an erasure of it waits, or went first
    /// and the read that follows sees it. SQLite has one writer at a time.
    /// </summary>
    private static async Task LockSubjectAsync(StewardDbContext db, Guid subjectId, bool exclusive, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql()) return;
        if (exclusive) await db.Database.ExecuteSqlAsync($"SELECT 1 FROM data_subjects WHERE \"Id\" = {subjectId} FOR UPDATE", ct);
        else await db.Database.ExecuteSqlAsync($"SELECT 1 FROM data_subjects WHERE \"Id\" = {subjectId} FOR SHARE", ct);
    }

    /// <summary>
    /// Drops what this node remembers of people merged away or erased (which identity leads to them, their wrapped key), at
    /// once; the gone notification tells the other nodes when the change commits.
    /// </summary>
    public void ForgetGone(IReadOnlyCollection<Guid> subjects)
    {
        lookups.Forget(subjects);
        live.Forget(subjects);
    }

    /// <summary>A subject's identities decrypted, for staff; audited as a read of personal data. Null when there is no such subject.</summary>
    public async Task<RevealedSubject?> RevealAsync(Guid subjectId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
        if (subject is null) return null;
        var rows = await db.Set<SubjectIdentity>().AsNoTracking().Where(i => i.SubjectId == subjectId).ToListAsync(ct);
        var dataKey = await keys.OpenAsync(subject, ct);
        var identities = dataKey is null ? [] : rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id)
            .Select(r => new RevealedIdentity(r.Id, r.Type, SubjectKeys.Decrypt(dataKey, subjectId, r.Type, r.Ciphertext), r.CreatedAt, r.LastSeenAt))
            .ToList();
        await audit.AppendAsync(new AuditEvent(actor, "people.revealed", Target(subjectId), new { identities = identities.Count }), ct);
        return new RevealedSubject(subject.Id, subject.CreatedAt, subject.Jurisdiction, subject.ErasedAt, subject.MergedIntoId, identities);
    }

    /// <summary>
    /// Crypto-shredding: destroys the subject's data key, so every value encrypted with it, here or in a copy, can no longer
    /// be read, and removes its identities, whose blind indexes would otherwise still recognise the person. On SQLite the
    /// freed bytes are overwritten and the write-ahead log emptied. False when there is no such subject or it was erased already.
    /// </summary>
    public async Task<bool> EraseKeyAsync(Guid subjectId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var sqlite = db.Database.IsSqlite();
        await db.Database.OpenConnectionAsync(ct);
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = ON;", ct);
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await LockSubjectAsync(db, subjectId, exclusive: true, ct);
            var now = time.GetUtcNow();
            var erased = await db.Set<DataSubject>().Where(s => s.Id == subjectId && s.ErasedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.WrappedDataKey, (byte[]?)null).SetProperty(x => x.BirthDate, (byte[]?)null)
                    .SetProperty(x => x.ErasedAt, now), ct);
            if (erased == 0) return false;
            // What a restored backup or a comeback is checked against: the blind indexes only, never a value.
            var tombstone = await Erasures.ErasureTombstones.WriteWithinAsync(db, subjectId, now, ct);
            var identities = await db.Set<SubjectIdentity>().Where(i => i.SubjectId == subjectId).ExecuteDeleteAsync(ct);
            await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.key-destroyed", Target(subjectId), new { identities }), ct);
            await db.SaveChangesAsync(ct);
            await SubjectLookupCache.PublishWithinAsync(notifications, db, [subjectId], ct);
            await tx.CommitAsync(ct);
            tombstones.AppendToJournal(tombstone);
            ForgetGone([subjectId]);
        }
        finally
        {
            if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete = OFF;", CancellationToken.None);
        }
        // Best effort: older frames holding the key leave the log now rather than at the next checkpoint (a busy reader may keep them a little longer).
        if (sqlite) await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", CancellationToken.None);
        return true;
    }

    private static string Target(Guid subjectId) => $"subject:{subjectId:D}";

    private static async Task<SubjectIdentity?> FindRowAsync(StewardDbContext db, IdentityType type, IReadOnlyList<BlindIndexValue> indexes, CancellationToken ct)
    {
        foreach (var blind in indexes)
        {
            var value = blind.Value;
            if (await db.Set<SubjectIdentity>().AsNoTracking().FirstOrDefaultAsync(i => i.Type == type && i.BlindIndex == value, ct) is { } row)
                return row;
        }
        return null;
    }

    /// <summary>Refreshes the identity's last-seen time when it is due; returns when it is next due.</summary>
    private async Task<DateTimeOffset> TouchAsync(StewardDbContext db, SubjectIdentity row, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - row.LastSeenAt < TouchInterval) return row.LastSeenAt + TouchInterval;
        await db.Set<SubjectIdentity>().Where(i => i.Id == row.Id).ExecuteUpdateAsync(s => s.SetProperty(i => i.LastSeenAt, now), ct);
        return now + TouchInterval;
    }

    private DataSubject NewSubject(StewardDbContext db, string? jurisdiction, out byte[] dataKey, Security.Keys.ManagedKey wrapping)
    {
        var now = time.GetUtcNow();
        var subject = new DataSubject { Id = Guid.CreateVersion7(now), CreatedAt = now, Jurisdiction = jurisdiction };
        dataKey = SubjectKeys.Create(subject, wrapping);
        db.Set<DataSubject>().Add(subject);
        return subject;
    }

    private SubjectIdentity AddIdentityRow(StewardDbContext db, Guid subjectId, byte[] dataKey, Identity identity, BlindIndexValue blind)
    {
        var now = time.GetUtcNow();
        var row = new SubjectIdentity
        {
            Id = Guid.CreateVersion7(now),
            SubjectId = subjectId,
            Type = identity.Type,
            BlindIndex = blind.Value,
            BlindIndexVersion = blind.Version,
            Ciphertext = SubjectKeys.Encrypt(dataKey, subjectId, identity.Type, identity.Value),
            CreatedAt = now,
            LastSeenAt = now,
        };
        db.Set<SubjectIdentity>().Add(row);
        return row;
    }
}

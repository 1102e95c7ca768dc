using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Consent.Decisions;
using Steward.People;
using Steward.Storage;

namespace Steward.Consent;

/// <summary>One choice about one key.</summary>
internal sealed record KeyChoice(string Key, ConsentChoice Choice);

/// <summary>
/// A checked submission: one person's choices made at one moment, with their proof. Identity values stay in memory only.
/// <see cref="OnlyChanges"/>: record a choice only where it changes the standing one (a grant where none or a stop stands, a
/// stop where a grant or nothing stands; a refusal that meets a grant is recorded as a withdrawal), judged inside the
/// recording's transaction under a lock on the person, so two identical requests at the same instant (a mail provider's
/// one-click POST sent twice) record it once.
/// </summary>
internal sealed record ConsentRecord(Identity Identity, string Jurisdiction, int PolicyVersion, string? TextHash, string? Language,
    ConsentMethod Method, DateTimeOffset OccurredAt, BrowserProof Browser, IReadOnlyList<KeyChoice> Choices, DateOnly? BirthDate = null,
    Guid? GuardianId = null, bool OnlyChanges = false);

/// <summary>An event as staff and callers see it, proof opened (empty once the subject was erased).</summary>
internal sealed record ConsentEventView(Guid Id, string Key, ConsentChoice Choice, ConsentMethod Method, int PolicyVersion, string? TextHash,
    string? Language, string Jurisdiction, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Ip, string? UserAgent);

/// <summary>A subject's history, oldest first, and the state derived from it.</summary>
internal sealed record ConsentHistory(Guid SubjectId, IReadOnlyList<ConsentEventView> Events)
{
    /// <summary>Per key, the event that stands: the latest choice made (by when it was made, then when it was recorded).</summary>
    public IReadOnlyList<ConsentEventView> State { get; } = Events.GroupBy(e => e.Key, StringComparer.Ordinal)
        .Select(g => g.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Last())
        .OrderBy(e => e.Key, StringComparer.Ordinal).ToList();
}

/// <summary>What recording did: the events written and, for an import run again, the lines already there.</summary>
internal sealed record RecordOutcome(IReadOnlyList<Guid> EventIds, IReadOnlyList<Guid> SubjectIds, int AlreadyRecorded);

/// <summary>
/// The consent events: recorded in one transaction per call (all or nothing), read back as history and derived state.
/// Audit entries carry ids and counts only.
/// </summary>
internal sealed class ConsentLedger : IAsyncDisposable, IDisposable
{
    private readonly IDbContextFactory<StewardDbContext> contexts;
    private readonly PeopleDirectory people;
    private readonly SubjectKeys keys;
    private readonly LiveSubjectCache live;
    private readonly AuditLog audit;
    private readonly ChangeNotifications notifications;
    private readonly ConsentStateCache states;
    private readonly TimeProvider time;
    private readonly Lazy<GroupCommit<PendingRecord, RecordOutcome>> _groupCommit;

    public ConsentLedger(IDbContextFactory<StewardDbContext> contexts, PeopleDirectory people, SubjectKeys keys, LiveSubjectCache live, AuditLog audit,
        ChangeNotifications notifications, ConsentStateCache states, TimeProvider time)
    {
        (this.contexts, this.people, this.keys, this.live, this.audit, this.notifications, this.states, this.time) =
            (contexts, people, keys, live, audit, notifications, states, time);
        _groupCommit = new(() => new GroupCommit<PendingRecord, RecordOutcome>(WriteAsync));
    }

    /// <summary>A call's records with the people found for them, waiting for a transaction.</summary>
    private sealed record PendingRecord(IReadOnlyList<ConsentRecord> Records, List<Guid> Subjects, string Actor);

    public async ValueTask DisposeAsync()
    {
        if (_groupCommit.IsValueCreated) await _groupCommit.Value.DisposeAsync();
    }

    // A service provider disposed synchronously (the CLI, benchmarks) still lets the last batch finish.
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Records every choice of <paramref name="records"/>, finding or creating each person. Imports (method <c>import</c>)
    /// skip events identical to one already imported (subject, key, choice, time), so running an import twice is harmless.
    /// <paramref name="progress"/> hears how many records have been placed.
    /// </summary>
    public async Task<RecordOutcome> RecordAsync(IReadOnlyList<ConsentRecord> records, string actor, IProgress<int>? progress, CancellationToken ct)
    {
        // People first, each in its own short transaction (the directory's contract); a subject without events is harmless.
        var subjects = new List<Guid>(records.Count);
        var found = new Dictionary<Identity, Guid>();
        foreach (var record in records)
        {
            if (!found.TryGetValue(record.Identity, out var id))
                found[record.Identity] = id = (await people.FindOrCreateAsync(record.Identity, record.Jurisdiction, actor, ct)).SubjectId;
            subjects.Add(id);
            progress?.Report(subjects.Count);
        }
        var pending = new PendingRecord(records, subjects, actor);
        // One person's choices (the API, the banner, a link) share a transaction with whoever else is recording at the
        // same moment: the commit, not each caller, is the cost. Imports are their own transaction, all or nothing.
        if (records is [{ Method: not ConsentMethod.Import }]) return await _groupCommit.Value.SubmitAsync(pending, ct);
        return (await WriteAsync([pending], ct))[0];
    }

    /// <summary>Writes every pending record in one transaction, each with its own audit entry and outcome.</summary>
    private async Task<RecordOutcome[]> WriteAsync(IReadOnlyList<PendingRecord> batch, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var everyone = batch.SelectMany(p => p.Subjects).Distinct().ToList();
        var dataKeys = new Dictionary<Guid, byte[]>();
        var unread = new List<Guid>();
        foreach (var id in everyone)
            if (live.TryGet(id, out var known)) dataKeys[id] = await OpenAsync(known, ct);
            else unread.Add(id);
        var generation = live.Generation;
        foreach (var chunk in unread.Chunk(500))
            foreach (var subject in await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id)).ToListAsync(ct))
            {
                dataKeys[subject.Id] = await OpenAsync(subject, ct);
                live.Put(subject, generation);
            }
        var imported = await ImportedAsync(db, batch.SelectMany(p => p.Records).ToList(), everyone, ct);
        var standing = await StandingUnderLockAsync(db, batch, ct);
        var birthDatesStated = false;
        var outcomes = new RecordOutcome[batch.Count];
        for (var b = 0; b < batch.Count; b++)
        {
            var (records, subjects, actor) = batch[b];
            birthDatesStated |= await StoreBirthDatesAsync(db, records, subjects, dataKeys, actor, ct);
            var ids = new List<Guid>();
            var skipped = 0;
            for (var i = 0; i < records.Count; i++)
            {
                var r = records[i];
                foreach (var choice in r.Choices)
                {
                    if (r.Method == ConsentMethod.Import && !imported.Add((subjects[i], choice.Key, choice.Choice, r.OccurredAt)))
                    {
                        skipped++;
                        continue;
                    }
                    var made = choice.Choice;
                    if (r.OnlyChanges)
                    {
                        var known = standing.TryGetValue((subjects[i], choice.Key), out var stands);
                        if (known && (stands == ConsentChoice.Granted) == (made == ConsentChoice.Granted))
                        {
                            skipped++;
                            continue;
                        }
                        // Worked out when nothing stood; a grant stands now, so stopping it is a withdrawal.
                        if (known && stands == ConsentChoice.Granted && made == ConsentChoice.Denied) made = ConsentChoice.Withdrawn;
                        standing[(subjects[i], choice.Key)] = made;
                    }
                    var id = Guid.CreateVersion7(now);
                    db.Set<ConsentEvent>().Add(new ConsentEvent
                    {
                        Id = id,
                        SubjectId = subjects[i],
                        Key = choice.Key,
                        Choice = made,
                        Method = r.Method,
                        PolicyVersion = r.PolicyVersion,
                        TextHash = r.TextHash,
                        Language = r.Language,
                        Jurisdiction = r.Jurisdiction,
                        OccurredAt = r.OccurredAt,
                        RecordedAt = now,
                        Proof = ConsentProofs.Seal(dataKeys[subjects[i]], subjects[i], id, r.Browser),
                        GuardianId = r.GuardianId,
                    });
                    ids.Add(id);
                }
                if (r.GuardianId is { } guardian)
                    await audit.AppendWithinAsync(db, new AuditEvent(actor, "consent.guardian-recorded", $"subject:{subjects[i]:D}",
                        new { guardian, events = ids.TakeLast(r.Choices.Count).ToList() }), ct);
            }
            var distinct = subjects.Distinct().ToList();
            var auditEvent = distinct.Count == 1
                ? new AuditEvent(actor, "consent.recorded", $"subject:{distinct[0]:D}", new { events = ids, skipped })
                : new AuditEvent(actor, "consent.recorded", "consent", new { events = ids.Count, subjects = distinct.Count, skipped });
            await audit.AppendWithinAsync(db, auditEvent, ct);
            outcomes[b] = new RecordOutcome(ids, distinct, skipped);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (IsPersonGone(e))
        {
            // A merge or an erasure committed after these people were found (the database refuses events on them): find them again next time.
            people.ForgetGone(everyone);
            throw new ConsentConflictException(PersonGone);
        }
        // On PostgreSQL the insert itself notifies every node (trigger consent_events_changed), saving a round trip; a birth
        // date is no event, so stating one tells them here (an import run again may insert no event at all).
        if (!notifications.CrossProcess || birthDatesStated) await ConsentStateCache.PublishWithinAsync(notifications, db, everyone, ct);
        await tx.CommitAsync(ct);
        // Other nodes hear the commit; this one must not answer from what it cached before, even for the moment until it hears it too.
        states.Forget(everyone);
        return outcomes;
    }

    private const string PersonGone = "A person was erased or merged while their consent was being recorded; nothing was recorded. Send it again.";

    private async Task<byte[]> OpenAsync(DataSubject subject, CancellationToken ct) => await keys.OpenAsync(subject, ct)
        ?? throw new ConsentConflictException(PersonGone);

    /// <summary>The code with which the database refuses events for a person merged or erased (migration ConsentEventsOnLiveSubjects).</summary>
    private const string PersonGoneCode = "SW409";

    private static bool IsPersonGone(DbUpdateException e) => e.InnerException switch
    {
        Npgsql.PostgresException p => p.SqlState == PersonGoneCode,
        Microsoft.Data.Sqlite.SqliteException s => s.Message.Contains(PersonGoneCode, StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>
    /// Keeps each birth date stated with the choices, sealed under the person's key, in the recording's transaction: its
    /// commit drops the person's cached state everywhere, as for the choices. The last one stated for a person wins. True when any was.
    /// </summary>
    private async Task<bool> StoreBirthDatesAsync(StewardDbContext db, IReadOnlyList<ConsentRecord> records, List<Guid> subjects,
        Dictionary<Guid, byte[]> dataKeys, string actor, CancellationToken ct)
    {
        var stated = new Dictionary<Guid, DateOnly>();
        for (var i = 0; i < records.Count; i++)
            if (records[i].BirthDate is { } born) stated[subjects[i]] = born;
        foreach (var (subject, born) in stated)
        {
            var sealedDate = BirthDates.Seal(dataKeys[subject], subject, born);
            // Only onto a live person (no event may follow to let the database refuse it).
            if (await db.Set<DataSubject>().Where(s => s.Id == subject && s.MergedIntoId == null && s.ErasedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(x => x.BirthDate, sealedDate), ct) == 0)
                throw new ConsentConflictException(PersonGone);
            await audit.AppendWithinAsync(db, new AuditEvent(actor, "people.birth-date-stated", $"subject:{subject:D}", null), ct);
        }
        return stated.Count > 0;
    }

    /// <summary>
    /// For records that take <see cref="ConsentRecord.OnlyChanges"/>: each person locked (on SQLite the transaction already
    /// holds the only write lock), then their standing choice per key, read after the lock so it includes what a request that
    /// held it before committed.
    /// </summary>
    private static async Task<Dictionary<(Guid, string), ConsentChoice>> StandingUnderLockAsync(StewardDbContext db, IReadOnlyList<PendingRecord> batch,
        CancellationToken ct)
    {
        var standing = new Dictionary<(Guid, string), ConsentChoice>();
        var asked = batch.SelectMany(p => p.Records.Select((r, i) => (Record: r, Subject: p.Subjects[i]))).Where(x => x.Record.OnlyChanges).ToList();
        if (asked.Count == 0) return standing;
        var subjects = asked.Select(x => x.Subject).Distinct().Order().ToList();
        if (db.Database.IsNpgsql())
            foreach (var subject in subjects) // in one order, so two batches never wait for each other
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({subject.ToString("N")}, {PersonLockSeed}))", ct);
        var keys = asked.SelectMany(x => x.Record.Choices.Select(c => c.Key)).Distinct(StringComparer.Ordinal).ToList();
        var events = await db.Set<ConsentEvent>().AsNoTracking().Where(e => subjects.Contains(e.SubjectId) && keys.Contains(e.Key)).ToListAsync(ct);
        foreach (var group in events.GroupBy(e => e.SubjectId))
            foreach (var e in Standing(group)) standing[(group.Key, e.Key)] = e.Choice;
        return standing;
    }

    // Seeds the hash of a person's advisory lock, so it does not collide with other advisory locks keyed by text.
    private const long PersonLockSeed = 7305150021;

    /// <summary>The imported events these subjects already have, to skip lines imported before.</summary>
    private static async Task<HashSet<(Guid, string, ConsentChoice, DateTimeOffset)>> ImportedAsync(StewardDbContext db, IReadOnlyList<ConsentRecord> records,
        List<Guid> subjects, CancellationToken ct)
    {
        var set = new HashSet<(Guid, string, ConsentChoice, DateTimeOffset)>();
        if (records.All(r => r.Method != ConsentMethod.Import)) return set;
        foreach (var chunk in subjects.Chunk(500))
        {
            var rows = await db.Set<ConsentEvent>().AsNoTracking().Where(e => chunk.Contains(e.SubjectId) && e.Method == ConsentMethod.Import)
                .Select(e => new { e.SubjectId, e.Key, e.Choice, e.OccurredAt }).ToListAsync(ct);
            foreach (var row in rows) set.Add((row.SubjectId, row.Key, row.Choice, row.OccurredAt));
        }
        return set;
    }

    /// <summary>The subject an identity belongs to, if anyone has it.</summary>
    public Task<Guid?> SubjectOfAsync(Identity identity, CancellationToken ct) => people.FindAsync(identity, ct);

    /// <summary>Per key, a subject's choice that stands; proofs stay sealed, so this reads nothing personal and is not audited.</summary>
    public async Task<IReadOnlyDictionary<string, ConsentChoice>> CurrentChoicesAsync(Guid subjectId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).ToListAsync(ct);
        return Standing(rows).ToDictionary(e => e.Key, e => e.Choice, StringComparer.Ordinal);
    }

    /// <summary>Per key, the event that stands: the latest choice made (by when it was made, then when it was recorded), as <see cref="ConsentHistory.State"/>.</summary>
    public static IEnumerable<ConsentEvent> Standing(IEnumerable<ConsentEvent> events) =>
        events.GroupBy(e => e.Key, StringComparer.Ordinal).Select(g => g.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Last());

    /// <summary>A subject's history with proofs opened, for a caller entitled to it; audited as a read of personal data.</summary>
    public async Task<ConsentHistory> HistoryAsync(Guid subjectId, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var subject = await db.Set<DataSubject>().AsNoTracking().SingleAsync(s => s.Id == subjectId, ct);
        var dataKey = await keys.OpenAsync(subject, ct);
        var rows = await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.SubjectId == subjectId).ToListAsync(ct);
        var events = rows.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Select(e =>
        {
            var proof = ConsentProofs.Open(dataKey, subjectId, e.Id, e.Proof);
            return new ConsentEventView(e.Id, e.Key, e.Choice, e.Method, e.PolicyVersion, e.TextHash, e.Language, e.Jurisdiction, e.OccurredAt,
                e.RecordedAt, proof.Ip, proof.UserAgent);
        }).ToList();
        await audit.AppendAsync(new AuditEvent(actor, "consent.read", $"subject:{subjectId:D}", new { events = events.Count }), ct);
        return new ConsentHistory(subjectId, events);
    }
}

/// <summary>The state changed under the request (a person erased or merged meanwhile): nothing was recorded; sending again succeeds.</summary>
internal sealed class ConsentConflictException(string message) : Exception(message);

/// <summary>On a merge (a cookie's visitor signs in), the visitor's events move to the account's subject, every one kept, proofs sealed again for their new owner.</summary>
internal sealed class ConsentMergeStep(ChangeNotifications notifications) : ISubjectMergeStep
{
    public async Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct)
    {
        await ConsentStateCache.PublishWithinAsync(notifications, db, [merge.From, merge.Into], ct);
        // The visitor's stated birth date goes with them unless the account states one of its own; the visitor's key is destroyed after.
        var birthDates = await db.Set<DataSubject>().AsNoTracking().Where(s => s.Id == merge.From || s.Id == merge.Into)
            .Select(s => new { s.Id, s.BirthDate }).ToListAsync(ct);
        if (birthDates.SingleOrDefault(s => s.Id == merge.From)?.BirthDate is { } visitors && birthDates.SingleOrDefault(s => s.Id == merge.Into)?.BirthDate is null)
        {
            var resealed = BirthDates.Seal(merge.IntoKey, merge.Into, BirthDates.Open(merge.FromKey, merge.From, visitors));
            await db.Set<DataSubject>().Where(s => s.Id == merge.Into).ExecuteUpdateAsync(s => s.SetProperty(x => x.BirthDate, resealed), ct);
        }
        // Consents the visitor gave as a guardian now name the account.
        await db.Set<ConsentEvent>().Where(e => e.GuardianId == merge.From).ExecuteUpdateAsync(s => s.SetProperty(x => x.GuardianId, merge.Into), ct);
        var events = await db.Set<ConsentEvent>().Where(e => e.SubjectId == merge.From).ToListAsync(ct);
        foreach (var e in events)
        {
            var entry = db.Entry(e);
            entry.Property(x => x.Proof).CurrentValue = e.Proof is null ? null
                : ConsentProofs.Seal(merge.IntoKey, merge.Into, e.Id, ConsentProofs.Open(merge.FromKey, merge.From, e.Id, e.Proof));
            entry.Property(x => x.SubjectId).CurrentValue = merge.Into;
        }
    }
}

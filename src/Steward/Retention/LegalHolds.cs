using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Connectors;
using Steward.Hosting;
using Steward.People;
using Steward.Storage;

namespace Steward.Retention;

/// <summary>A hold as staff see it: what it covers (a person by id, or <c>connection:collection</c>), why, until when.</summary>
public sealed record HoldInfo(Guid Id, Guid? SubjectId, string? Connection, string? Collection, string Reason, DateTimeOffset? Until,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ReleasedAt, string? ReleasedBy, bool InForce)
{
    public string Covers => SubjectId is { } s ? $"person {s:D}" : $"{Connection}:{Collection}";
}

/// <summary>The holds in force now: the people and the collections that retention and erasure leave alone, with their reasons.</summary>
internal sealed record HoldsInForce(IReadOnlyDictionary<Guid, string> People, IReadOnlyDictionary<(string Connection, string Collection), string> Collections)
{
    public static readonly HoldsInForce None = new(new Dictionary<Guid, string>(), new Dictionary<(string, string), string>());

    /// <summary>The reason a collection is held, or null.</summary>
    public string? OnCollection(string connection, string collection) => Collections.GetValueOrDefault((connection, collection));

    /// <summary>The reason a person is held, or null.</summary>
    public string? OnPerson(Guid subjectId) => People.GetValueOrDefault(subjectId);
}

/// <summary>
/// Legal holds (<c>steward hold</c>, <c>/api/v1/holds</c>): placed on a person found by an identity or on a declared
/// collection, released by id, each change audited with ids only (the reason is staff's text and stays in the hold).
/// Retention sweeps and erasure ask <see cref="InForceAsync"/> before they touch anything.
/// </summary>
internal sealed class LegalHolds(IDbContextFactory<StewardDbContext> contexts, PeopleDirectory people, ConnectionDirectory connections, DatasetStore datasets,
    AuditLog audit, TimeProvider time)
{
    public const int MaxReasonLength = 1_000;

    /// <summary>Holds a person, found by <paramref name="identity"/>; a person Steward does not know is an error (nothing to hold).</summary>
    public async Task<HoldInfo> HoldPersonAsync(Identity identity, string? reason, DateTimeOffset? until, string actor, CancellationToken ct)
    {
        var subject = await people.FindAsync(identity, ct)
            ?? throw new StewardException($"No one with that {IdentityTypes.Name(identity.Type)} is known to Steward: there is nothing to hold. Check the spelling, or hold the collections that hold their data.");
        return await HoldSubjectAsync(subject, reason, until, actor, ct);
    }

    /// <summary>Holds the person <paramref name="subjectId"/>.</summary>
    public async Task<HoldInfo> HoldSubjectAsync(Guid subjectId, string? reason, DateTimeOffset? until, string actor, CancellationToken ct)
    {
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var subject = await db.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct)
                ?? throw new StewardException($"There is no person {subjectId:D}.");
            if (subject.MergedIntoId is { } into) return await HoldSubjectAsync(into, reason, until, actor, ct);
            if (subject.ErasedAt is not null) throw new StewardException($"Person {subjectId:D} was erased already: Steward holds nothing of theirs any more.");
        }
        return await AddAsync(new LegalHold { Id = Guid.Empty, SubjectId = subjectId, Reason = "", CreatedBy = actor }, reason, until, actor, ct);
    }

    /// <summary>Holds a collection of a connected database, named as <c>connection:collection</c> of a dataset imported for that connection.</summary>
    public async Task<HoldInfo> HoldCollectionAsync(string connectionAndCollection, string? reason, DateTimeOffset? until, string actor, CancellationToken ct)
    {
        var (connection, collection) = await FindCollectionAsync(connectionAndCollection, ct);
        return await AddAsync(new LegalHold { Id = Guid.Empty, Connection = connection, Collection = collection, Reason = "", CreatedBy = actor }, reason, until, actor, ct);
    }

    /// <summary>Ends a hold; false when it had ended already. Unknown ids are an error.</summary>
    public async Task<bool> ReleaseAsync(Guid id, string actor, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var hold = await db.Set<LegalHold>().FirstOrDefaultAsync(h => h.Id == id, ct) ?? throw new StewardException($"There is no hold {id:D}; 'steward hold list' shows them.");
        var now = time.GetUtcNow();
        if (!hold.InForceAt(now)) return false;
        hold.ReleasedAt = now;
        hold.ReleasedBy = actor;
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "holds.released", Target(id), null), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Holds, newest first: those in force, or all of them.</summary>
    public async Task<List<HoldInfo>> ListAsync(bool includeEnded, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var query = db.Set<LegalHold>().AsNoTracking();
        if (!includeEnded) query = query.Where(h => h.ReleasedAt == null && (h.Until == null || h.Until > now));
        var rows = await query.OrderByDescending(h => h.CreatedAt).ThenByDescending(h => h.Id).ToListAsync(ct);
        return rows.Select(h => Info(h, now)).ToList();
    }

    public async Task<HoldInfo?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var hold = await db.Set<LegalHold>().AsNoTracking().FirstOrDefaultAsync(h => h.Id == id, ct);
        return hold is null ? null : Info(hold, time.GetUtcNow());
    }

    /// <summary>Every hold in force now, for a sweep or an erasure to consult once.</summary>
    public async Task<HoldsInForce> InForceAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var rows = await db.Set<LegalHold>().AsNoTracking().Where(h => h.ReleasedAt == null && (h.Until == null || h.Until > now))
            .OrderBy(h => h.CreatedAt).ToListAsync(ct);
        var people = new Dictionary<Guid, string>();
        var collections = new Dictionary<(string, string), string>();
        // Several holds on one thing: their reasons are told together.
        foreach (var h in rows)
        {
            if (h.SubjectId is { } s) people[s] = people.TryGetValue(s, out var r) ? $"{r}; {h.Reason}" : h.Reason;
            else if (h.Connection is { } c && h.Collection is { } n)
                collections[(c, n)] = collections.TryGetValue((c, n), out var r2) ? $"{r2}; {h.Reason}" : h.Reason;
        }
        return new HoldsInForce(people, collections);
    }

    /// <summary>The reason the person is held now, or null.</summary>
    public async Task<string?> OnPersonAsync(Guid subjectId, CancellationToken ct) => (await InForceAsync(ct)).OnPerson(subjectId);

    private async Task<HoldInfo> AddAsync(LegalHold hold, string? reason, DateTimeOffset? until, string actor, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var text = reason?.Trim();
        if (string.IsNullOrEmpty(text)) throw new StewardException("A hold needs a reason (--reason): it is kept with the hold and told to a person whose erasure it stops.", Cli.ExitCodes.Usage);
        if (text.Length > MaxReasonLength) throw new StewardException($"The reason has {text.Length} characters; at most {MaxReasonLength}.", Cli.ExitCodes.Usage);
        if (until is { } u && u <= now) throw new StewardException($"--until {u.UtcDateTime:yyyy-MM-dd} is not in the future: a hold that ended already holds nothing.", Cli.ExitCodes.Usage);
        hold.Id = Guid.CreateVersion7(now);
        hold.Reason = text;
        hold.Until = until;
        hold.CreatedAt = now;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(hold);
        await audit.AppendWithinAsync(db, new AuditEvent(actor, "holds.added", Target(hold.Id), hold.SubjectId is { } s
            ? new { subject = s, until }
            : (object)new { collection = $"{hold.Connection}:{hold.Collection}", until }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Info(hold, now);
    }

    private async Task<(string Connection, string Collection)> FindCollectionAsync(string value, CancellationToken ct)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == value.Length - 1)
            throw new StewardException($"'{value}' is not CONNECTION:COLLECTION (for example 'shop:orders').", Cli.ExitCodes.Usage);
        var (connection, collection) = (value[..colon], value[(colon + 1)..]);
        if (await connections.FindAsync(connection, ct) is null)
            throw new StewardException($"There is no connection named '{connection}'; 'steward connection list' shows them.");
        var declared = (await datasets.LoadAsync(ct)).Where(d => d.ConnectionName == connection).ToList();
        if (!declared.Any(d => d.Definition.Collection(collection) is not null))
            throw new StewardException($"No dataset of connection '{connection}' declares a collection '{collection}'"
                + (declared.Count == 0 ? "; import one with 'steward dataset import'." : $"; it declares: {string.Join(", ", declared.SelectMany(d => d.Definition.Collections.Select(c => c.Name)).Distinct().Order(StringComparer.Ordinal))}."));
        return (connection, collection);
    }

    private static HoldInfo Info(LegalHold h, DateTimeOffset now) =>
        new(h.Id, h.SubjectId, h.Connection, h.Collection, h.Reason, h.Until, h.CreatedAt, h.CreatedBy, h.ReleasedAt, h.ReleasedBy, h.InForceAt(now));

    private static string Target(Guid id) => $"hold:{id:D}";
}

/// <summary>On a merge, the visitor's holds follow them to the account's subject.</summary>
internal sealed class LegalHoldMergeStep : ISubjectMergeStep
{
    public Task MoveAsync(StewardDbContext db, SubjectMerge merge, CancellationToken ct) =>
        db.Set<LegalHold>().Where(h => h.SubjectId == merge.From).ExecuteUpdateAsync(s => s.SetProperty(h => h.SubjectId, merge.Into), ct);
}

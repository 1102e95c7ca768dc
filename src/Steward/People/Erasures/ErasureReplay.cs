using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Storage;

namespace Steward.People.Erasures;

/// <summary>
/// Erases again everyone a set of tombstones names: the subject by id, and every subject that has an identity with one of
/// the tombstone's blind indexes. Run after a restore, so an older copy of the database cannot bring an erased person back;
/// tombstones the database lacks are added, so the next restore or comeback check knows them too.
/// </summary>
internal sealed class ErasureReplay(IDbContextFactory<StewardDbContext> contexts, PeopleDirectory people, ErasureTombstones tombstones, AuditLog audit)
{
    /// <summary>Replays the journal and the database's own tombstones (<c>steward erasures replay</c>).</summary>
    public async Task<(int Tombstones, int Erased)> ReplayAsync(IEnumerable<TombstoneRecord> extra, string actor, Hosting.ProgressBar? progress, CancellationToken ct)
    {
        var records = extra.Concat(tombstones.ReadJournal()).Concat(await tombstones.ReadDatabaseAsync(ct))
            .GroupBy(r => r.SubjectId).Select(g => g.First()).ToList();
        progress?.Total = records.Count;
        var erased = 0;
        for (var i = 0; i < records.Count; i++)
        {
            erased += await ReplayOneAsync(records[i], actor, ct);
            progress?.Report(i + 1);
        }
        await audit.AppendAsync(new AuditEvent(actor, "people.erasures-replayed", "people", new { tombstones = records.Count, erased }), ct);
        return (records.Count, erased);
    }

    private async Task<int> ReplayOneAsync(TombstoneRecord record, string actor, CancellationToken ct)
    {
        var subjects = new HashSet<Guid> { record.SubjectId };
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            foreach (var h in record.Hashes)
            {
                if (!IdentityTypes.TryParse(h.Type, out var type)) continue;
                var hash = h.Hash;
                var found = await db.Set<SubjectIdentity>().AsNoTracking().Where(i => i.Type == type && i.BlindIndex == hash)
                    .Join(db.Set<DataSubject>(), i => i.SubjectId, s => s.Id, (i, s) => new { s.Id, s.CreatedAt }).FirstOrDefaultAsync(ct);
                // Someone who came back after the erasure (consented again) is a new subject: flagged for staff, not erased here.
                if (found is not null && found.CreatedAt <= record.ErasedAt) subjects.Add(found.Id);
            }
        }
        var erased = 0;
        foreach (var subject in subjects)
            if (await people.EraseKeyAsync(subject, actor, ct)) erased++;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            if (!await db.Set<ErasureTombstone>().AnyAsync(t => t.SubjectId == record.SubjectId, ct))
            {
                ErasureTombstones.Add(db, record);
                await db.SaveChangesAsync(ct);
            }
        }
        return erased;
    }
}

using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Consent;
using Steward.Jobs;
using Steward.People;
using Steward.Policy.Model;
using Steward.Retention;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>
/// The last step of an erasure request: what Steward itself keeps about the person goes too (S17.4). The person's data
/// key is destroyed (<see cref="PeopleDirectory.EraseKeyAsync"/>), so every value sealed with it — identities, request
/// details and texts, consent proofs, packages, identity documents, mail payloads — can no longer be read, here or in a
/// copy; the sealed values that nothing needs any more are deleted outright. What stays is the skeleton without a value:
/// the request's kind, state and dates, consent events' key, choice and times, and the audit entries, which prove the
/// erasure and count for statistics. A person under a legal hold is not shredded; the hold is audited instead.
/// </summary>
/// <remarks>
/// It runs once the completion message has gone (the mail job calls <see cref="ShredAsync"/> right after sending it, as
/// the address is sealed with the key), and as the job <c>rights.shred</c>, queued at completion, after
/// <see cref="MailGrace"/> when mail is on (a message that never goes out must not keep the key) or at once when it is off.
/// Idempotent: a person erased already is left as they are.
/// </remarks>
internal sealed class ShredAfterErasure(IDbContextFactory<StewardDbContext> contexts, PeopleDirectory people, SubjectKeys keys, Security.Keys.KeyRing ring,
    LegalHolds holds, AuditLog audit) : IJobHandler
{
    public const string JobKind = "rights.shred";
    public static readonly TimeSpan MailGrace = TimeSpan.FromDays(2);
    private static readonly string ErasureKind = RequestKinds.Name(RightKind.Erasure);

    public sealed record Payload(Guid RequestId);

    public string Kind => JobKind;

    /// <summary>Queues the shredding of a completed erasure request's person inside the completion's transaction.</summary>
    public static async Task EnqueueWithinAsync(StewardDbContext db, BackgroundJobs jobs, RightsRequest request, bool mailOn, DateTimeOffset now, CancellationToken ct)
    {
        if (request.Kind != ErasureKind) return;
        await jobs.EnqueueWithinAsync(db, JobKind, new Payload(request.Id), dedupKey: $"{JobKind}:{request.Id:D}", runAfter: mailOn ? now + MailGrace : null, ct: ct);
    }

    public Task RunAsync(JobContext context, CancellationToken ct) => ShredAsync(context.PayloadAs<Payload>().RequestId, ct);

    /// <summary>Shreds the person of a completed erasure request; does nothing for any other request.</summary>
    public async Task ShredAsync(Guid requestId, CancellationToken ct)
    {
        Guid subjectId;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var request = await db.Set<RightsRequest>().AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId, ct);
            if (request is not { State: RequestState.Completed } || request.Kind != ErasureKind) return;
            subjectId = request.SubjectId;
        }
        if (await holds.OnPersonAsync(subjectId, ct) is not null)
        {
            await audit.AppendAsync(new AuditEvent(RightsFulfilment.Actor, "rights.erasure-held", RightsRequests.Target(requestId), new { subject = subjectId }), ct);
            return;
        }
        int packages, documents, proofs;
        var recordsKey = await ring.CurrentAsync(RightsRequestEvent.RecordsKeyPurpose, ct);
        // What nothing needs any more goes first (a run cut short here is run again); then the key, which makes the rest unreadable.
        await using (var cleanup = await contexts.CreateDbContextAsync(ct))
        {
            var subject = await cleanup.Set<DataSubject>().AsNoTracking().FirstOrDefaultAsync(s => s.Id == subjectId, ct);
            if (subject is null || subject.ErasedAt is not null || await keys.OpenAsync(subject, ct) is not { } dataKey) return;
            var requests = cleanup.Set<RightsRequest>().Where(r => r.SubjectId == subjectId).Select(r => r.Id);
            // What was written to the person (reasons, answers) stays with the request's record for the time the policy keeps
            // records (S18.8), so the status page still shows it; it is sealed with Steward's records key instead.
            var texts = await cleanup.Set<RightsRequestEvent>().Where(e => requests.Contains(e.RequestId) && e.Text != null && e.TextKeyVersion == null).ToListAsync(ct);
            foreach (var e in texts)
            {
                e.Text = RightsRequestEvent.SealRecordText(recordsKey.Material, e.RequestId, RightsRequestEvent.OpenText(dataKey, subjectId, e.RequestId, e.Text!));
                e.TextKeyVersion = recordsKey.Version;
            }
            await cleanup.SaveChangesAsync(ct);
            packages = await cleanup.Set<RightsPackage>().Where(p => p.SubjectId == subjectId).ExecuteDeleteAsync(ct);
            documents = await cleanup.Set<VerificationDocument>().Where(d => requests.Contains(d.RequestId)).ExecuteDeleteAsync(ct);
            await cleanup.Set<VerificationChallenge>().Where(c => requests.Contains(c.RequestId)).ExecuteDeleteAsync(ct);
            await cleanup.Set<FulfilmentTask>().Where(t => requests.Contains(t.RequestId) && t.Output != null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Output, (byte[]?)null), ct);
            proofs = await cleanup.Set<ConsentEvent>().Where(e => e.SubjectId == subjectId && e.Proof != null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Proof, (byte[]?)null), ct);
        }
        if (!await people.EraseKeyAsync(subjectId, RightsFulfilment.Actor, ct)) return;
        await audit.AppendAsync(new AuditEvent(RightsFulfilment.Actor, "rights.person-shredded", RightsRequests.Target(requestId),
            new { subject = subjectId, packages, documents, consentProofs = proofs }), ct);
    }
}

/// <summary>Texts kept with request records keep their records-key version alive: sealed for a record, not re-sealed on rotation.</summary>
internal sealed class RecordTextsOnKeyVersions(IDbContextFactory<StewardDbContext> contexts) : Security.Keys.IKeyVersionUser
{
    public string Purpose => RightsRequestEvent.RecordsKeyPurpose;
    public string What => "text(s) kept with rights-request records";
    public bool Movable => false;

    public async Task<int> CountOnAsync(int version, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsRequestEvent>().CountAsync(e => e.TextKeyVersion == version, ct);
    }

    public Task<int> CountBelowAsync(int version, CancellationToken ct) => Task.FromResult(0);

    public Task<Security.Keys.KeyMoveBatch> MoveBatchAsync(Security.Keys.ManagedKey current, Guid after, CancellationToken ct) =>
        Task.FromResult(Security.Keys.KeyMoveBatch.None);
}

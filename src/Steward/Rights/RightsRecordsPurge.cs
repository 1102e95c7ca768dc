using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Policy;
using Steward.Storage;

namespace Steward.Rights;

/// <summary>
/// Once a day, deletes the records of requests that ended more than <c>rights_requests.records_kept_for</c> (S18.8: three
/// years) after the last communication with the person, with their timelines. Open requests are never purged. One audit
/// entry says how many went. Packages past their download period are deleted first, and requests still waiting for
/// verification after <see cref="RightsOptions.UnverifiedClosedAfter"/> are refused with the reason told to the person.
/// Idempotent: set-based deletes by age.
/// </summary>
internal sealed class RightsRecordsPurge(IDbContextFactory<StewardDbContext> contexts, PolicyStore policies, RequestPackages packages, RightsRequests requests, Retention.LegalHolds holds,
    Microsoft.Extensions.Options.IOptions<RightsOptions> options, AuditLog audit, TimeProvider time) : Jobs.IJobHandler
{
    public const string JobKind = "rights.purge";

    public string Kind => JobKind;

    public async Task RunAsync(Jobs.JobContext context, CancellationToken ct)
    {
        // A request whose person never proved who they are is refused after a while, so that it ends, tells them, and its
        // record keeping starts, instead of holding what they wrote for ever.
        var unverifiedBefore = time.GetUtcNow() - options.Value.UnverifiedClosedAfter;
        List<(Guid Id, string Language)> stale;
        await using (var read = await contexts.CreateDbContextAsync(ct))
            stale = (await read.Set<RightsRequest>().AsNoTracking().Where(r => r.State == RequestState.Verifying && r.LastCommunicationAt < unverifiedBefore)
                .Select(r => new { r.Id, r.Language }).Take(1_000).ToListAsync(ct)).Select(r => (r.Id, r.Language)).ToList();
        foreach (var (id, language) in stale)
        {
            var text = Web.Language.Format(Web.Language.Strings<RightsStrings>(language).NotVerifiedInTime, (int)options.Value.UnverifiedClosedAfter.TotalDays);
            try
            {
                await requests.DenyAsync(id, text, RightsFulfilment.Actor, ct);
            }
            catch (Hosting.StewardException)
            {
                // Verified, or changed, at this very moment: it is no longer waiting.
            }
        }
        // Packages go when their download period ends, whatever happens to the request's record.
        if (await packages.DeleteExpiredAsync(ct) is > 0 and var expired)
            await audit.AppendAsync(new AuditEvent(RightsFulfilment.Actor, "rights.packages-expired", "rights-packages", new { packages = expired }), ct);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The records of a person under a legal hold stay while it lasts.
        var held = (await holds.InForceAsync(ct)).People.Keys.ToList();
        var ended = db.Set<RightsRequest>().Where(r => r.State == RequestState.Completed || r.State == RequestState.Denied || r.State == RequestState.Duplicate)
            .Where(r => !held.Contains(r.SubjectId));
        // Each request is kept as long as the policy in force when it arrived promised (S18.8).
        var ids = new List<Guid>();
        var kept = new Dictionary<int, string>();
        foreach (var version in await ended.Select(r => r.PolicyVersion).Distinct().ToListAsync(ct))
        {
            var policy = await policies.GetAsync(version, ct) ?? await policies.CurrentAsync(ct);
            if (policy?.Document.RightsRequests?.RecordsKeptFor is not { } period) continue;
            // The earliest last contact still kept: one that ended at the cutoff is kept exactly the period and no longer.
            var cutoff = period.Before(now);
            // Duplicates point at the request they repeat: they go first.
            var due = await ended.Where(r => r.PolicyVersion == version && r.LastCommunicationAt < cutoff)
                .OrderBy(r => r.DuplicateOfId == null).Select(r => r.Id).Take(10_000).ToListAsync(ct);
            if (due.Count == 0) continue;
            ids.AddRange(due);
            kept[version] = period.ToString();
        }
        if (ids.Count == 0) return;
        await db.Set<RightsRequest>().Where(r => r.DuplicateOfId != null && ids.Contains(r.DuplicateOfId.Value) && !ids.Contains(r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.DuplicateOfId, (Guid?)null), ct);
        await db.Set<RightsRequestEvent>().Where(e => ids.Contains(e.RequestId)).ExecuteDeleteAsync(ct);
        await db.Set<RightsPackage>().Where(p => ids.Contains(p.RequestId)).ExecuteDeleteAsync(ct);
        var deleted = await db.Set<RightsRequest>().Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(ct);
        // A purge running at the same moment (the schedule and a manual run) took them first: nothing to record twice.
        if (deleted == 0) return;
        await audit.AppendWithinAsync(db, new AuditEvent(RightsFulfilment.Actor, "rights.records-purged", "rights-requests",
            new { requests = deleted, keptFor = kept }), ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }
}

using Microsoft.EntityFrameworkCore;
using Steward.Consent;
using Steward.People;
using Steward.Policy;
using Steward.Policy.Model;
using Steward.Rights;
using Steward.Security;
using Steward.Storage;

namespace Steward.Retention;

/// <summary>One kind of Steward's own records: how long it is kept, who sweeps it, and how many are due now (null: not counted here).</summary>
internal sealed record OwnRecords(string Records, string KeptFor, long? Due);

/// <summary>
/// Retention of Steward's own records. Consent events are kept while relied on plus <c>consent_records.kept_for</c>;
/// expired verification codes and ended staff sessions go here too. Rights-request records, photo ids and access packages
/// are swept by the rights feature (<see cref="RightsRecordsPurge"/>, the verification decision); the audit log is never
/// swept, its entries carry ids only.
/// </summary>
internal sealed class OwnDataRetention(IDbContextFactory<StewardDbContext> contexts, PolicyStore policies, LegalHolds holds, TimeProvider time)
{
    public const string ConsentEvents = "consent-events";
    public const string VerificationCodes = "verification-codes";
    public const string StaffSessions = "staff-sessions";

    /// <summary>Codes are kept a day past their expiry: the daily limit on codes sent for a request counts them.</summary>
    public static readonly TimeSpan CodesKeptAfterExpiry = TimeSpan.FromDays(1);

    private const int Chunk = 500;

    public async Task<List<OwnRecords>> PlanAsync(CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document;
        var due = await CountDueAsync(ct);
        var kept = policy?.ConsentRecords?.KeptFor is { } k ? $"while relied on, then {k}" : "not swept: the policy states no consent_records.kept_for";
        return
        [
            new(ConsentEvents, kept, due[ConsentEvents]),
            new(VerificationCodes, $"until {CodesKeptAfterExpiry.TotalHours:0} h after expiry", due[VerificationCodes]),
            new(StaffSessions, $"{Security.StaffSessions.EndedRetention.TotalDays:0} days after they ended", due[StaffSessions]),
            new("rights-requests", policy?.RightsRequests.RecordsKeptFor is { } r ? $"{r} after the last communication (job rights.purge)" : "not swept: no rights_requests.records_kept_for", await RightsRecordsDueAsync(policy, ct)),
            new("rights-packages", "until the download link expires (job rights.purge)", null),
            new("identity-documents", "until the verification decision", null),
            new("audit-log", "never swept: entries carry ids only", null),
        ];
    }

    public async Task<Dictionary<string, long>> CountDueAsync(CancellationToken ct) => new(StringComparer.Ordinal)
    {
        [ConsentEvents] = await ConsentEventsAsync(delete: false, ct),
        [VerificationCodes] = await CodesAsync(delete: false, ct),
        [StaffSessions] = await SessionsAsync(delete: false, ct),
    };

    public async Task<Dictionary<string, long>> SweepAsync(CancellationToken ct) => new(StringComparer.Ordinal)
    {
        [ConsentEvents] = await ConsentEventsAsync(delete: true, ct),
        [VerificationCodes] = await CodesAsync(delete: true, ct),
        [StaffSessions] = await SessionsAsync(delete: true, ct),
    };

    /// <summary>
    /// An event stops being relied on when a later choice for the same key supersedes it, its consent validity ends, or
    /// the person is erased, whichever comes first; it is due <c>kept_for</c> after that. The choice that stands for a key
    /// is never due. People are taken a chunk at a time, their due events deleted in one statement.
    /// </summary>
    private async Task<long> ConsentEventsAsync(bool delete, CancellationToken ct)
    {
        var policy = (await policies.CurrentAsync(ct))?.Document;
        if (policy?.ConsentRecords?.KeptFor is not { } keptFor) return 0;
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Only a key with more than one event has an event that no longer stands.
        var subjects = await db.Set<ConsentEvent>().GroupBy(e => new { e.SubjectId, e.Key }).Where(g => g.Count() > 1)
            .Select(g => g.Key.SubjectId).Distinct().ToListAsync(ct);
        // A person under a legal hold keeps their whole history while it lasts.
        var held = (await holds.InForceAsync(ct)).People;
        subjects = subjects.Where(s => !held.ContainsKey(s)).ToList();
        long count = 0;
        foreach (var chunk in subjects.Chunk(Chunk))
        {
            var events = await db.Set<ConsentEvent>().AsNoTracking().Where(e => chunk.Contains(e.SubjectId))
                .Select(e => new { e.Id, e.SubjectId, e.Key, e.OccurredAt, e.RecordedAt }).ToListAsync(ct);
            var erased = await db.Set<DataSubject>().AsNoTracking().Where(s => chunk.Contains(s.Id) && s.ErasedAt != null)
                .Select(s => new { s.Id, s.ErasedAt }).ToDictionaryAsync(s => s.Id, s => s.ErasedAt!.Value, ct);
            var due = new List<Guid>();
            foreach (var key in events.GroupBy(e => (e.SubjectId, e.Key)))
            {
                // The same order as the standing choice (ConsentHistory.State): when made, then when recorded, then id.
                var ordered = key.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).ToList();
                var validity = Validity(policy, key.Key.Key);
                for (var i = 0; i < ordered.Count - 1; i++)
                {
                    var reliedUntil = ordered[i + 1].OccurredAt;
                    if (validity is { } v && v.After(ordered[i].OccurredAt) < reliedUntil) reliedUntil = v.After(ordered[i].OccurredAt);
                    if (erased.TryGetValue(key.Key.SubjectId, out var at) && at < reliedUntil) reliedUntil = at;
                    if (keptFor.After(reliedUntil) <= now) due.Add(ordered[i].Id);
                }
            }
            count += delete && due.Count > 0 ? await db.Set<ConsentEvent>().Where(e => due.Contains(e.Id)).ExecuteDeleteAsync(ct) : due.Count;
        }
        return count;
    }

    private static Duration? Validity(PolicyDocument policy, string key) =>
        key.StartsWith("purpose:", StringComparison.Ordinal) && policy.Purposes.TryGetValue(key["purpose:".Length..], out var p) ? p.Consent?.Validity : null;

    // Few rows (a handful per request or staff user): read, filtered here, deleted by id.
    private async Task<long> CodesAsync(bool delete, CancellationToken ct)
    {
        var before = time.GetUtcNow() - CodesKeptAfterExpiry;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var due = (await db.Set<VerificationChallenge>().AsNoTracking().Select(c => new { c.Id, c.ExpiresAt }).ToListAsync(ct))
            .Where(c => c.ExpiresAt < before).Select(c => c.Id).ToList();
        if (!delete) return due.Count;
        long deleted = 0;
        foreach (var chunk in due.Chunk(Chunk)) deleted += await db.Set<VerificationChallenge>().Where(c => chunk.Contains(c.Id)).ExecuteDeleteAsync(ct);
        return deleted;
    }

    private async Task<long> SessionsAsync(bool delete, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var due = (await db.Set<StaffSession>().AsNoTracking().Select(s => new { s.Id, s.ExpiresAt, s.RevokedAt }).ToListAsync(ct))
            .Where(s => now - (s.RevokedAt ?? s.ExpiresAt) > Security.StaffSessions.EndedRetention).Select(s => s.Id).ToList();
        if (!delete) return due.Count;
        long deleted = 0;
        foreach (var chunk in due.Chunk(Chunk)) deleted += await db.Set<StaffSession>().Where(s => chunk.Contains(s.Id)).ExecuteDeleteAsync(ct);
        return deleted;
    }

    private async Task<long?> RightsRecordsDueAsync(PolicyDocument? policy, CancellationToken ct)
    {
        if (policy?.RightsRequests.RecordsKeptFor is not { } period) return null;
        var cutoff = period.Before(time.GetUtcNow());
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<RightsRequest>().LongCountAsync(r => (r.State == RequestState.Completed || r.State == RequestState.Denied || r.State == RequestState.Duplicate)
            && r.LastCommunicationAt < cutoff, ct);
    }
}

using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Steward.Consent.Decisions;
using Steward.People;
using Steward.Storage;

namespace Steward.Consent.Audiences;

/// <summary>
/// Advertising audiences (S5.4): the SHA-256 hashes of the normalised email addresses of the people whose decision for
/// one key is "allowed", never anyone else's. People are read a page at a time, each decided with the same rule as
/// <c>POST /api/v1/decisions</c>; addresses are opened in memory only to hash them.
/// </summary>
internal sealed class AudienceExport(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys, ConsentKeyIds ids, TimeProvider time)
{
    private const int PageSize = 500;

    public async IAsyncEnumerable<string> HashesAsync(ConsentRules rules, string key, string? onlyJurisdiction, AudienceTally tally,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var keyId = ids.Of(key);
        Guid? after = null;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var identities = db.Set<SubjectIdentity>().AsNoTracking().Where(i => i.Type == IdentityType.Email || i.Type == IdentityType.HashedEmail);
            if (after is { } last) identities = identities.Where(i => i.SubjectId.CompareTo(last) > 0);
            var page = await identities.Select(i => i.SubjectId).Distinct().OrderBy(id => id).Take(PageSize).ToListAsync(ct);
            if (page.Count == 0) yield break;
            after = page[^1];

            var subjects = await db.Set<DataSubject>().AsNoTracking().Where(s => page.Contains(s.Id) && s.WrappedDataKey != null).ToListAsync(ct);
            var rows = await db.Set<SubjectIdentity>().AsNoTracking()
                .Where(i => page.Contains(i.SubjectId) && (i.Type == IdentityType.Email || i.Type == IdentityType.HashedEmail)).ToListAsync(ct);
            var events = await db.Set<ConsentEvent>().AsNoTracking().Where(e => page.Contains(e.SubjectId) && e.Key == key)
                .Select(e => new { e.Id, e.SubjectId, e.Choice, e.Method, e.PolicyVersion, e.OccurredAt, e.RecordedAt }).ToListAsync(ct);
            var standing = events.GroupBy(e => e.SubjectId)
                .ToDictionary(g => g.Key, g => g.OrderBy(e => e.OccurredAt).ThenBy(e => e.RecordedAt).ThenBy(e => e.Id).Last());

            foreach (var subject in subjects.OrderBy(s => s.Id))
            {
                tally.Considered++;
                var jurisdiction = subject.Jurisdiction;
                if (jurisdiction is null)
                {
                    tally.WithoutJurisdiction++;
                    continue;
                }
                if (onlyJurisdiction is not null && jurisdiction != onlyJurisdiction) continue;
                if (rules.Find(jurisdiction, key) is not { } rule) continue;
                StandingChoice[] choices = standing.TryGetValue(subject.Id, out var e)
                    ? [new StandingChoice(keyId, e.Choice, e.Method, e.PolicyVersion, e.OccurredAt)]
                    : [];
                // A child's own grant does not count: the stated birth date decides too.
                if (await keys.OpenAsync(subject, ct) is not { } dataKey) continue;
                DateOnly? birthDate = subject.BirthDate is { } sealedDate ? BirthDates.Open(dataKey, subject.Id, sealedDate) : null;
                if (!ConsentDecisions.Decide(new SubjectState(choices, jurisdiction, birthDate), rule, gpc: false, now).Allowed) continue;
                var hashes = new HashSet<string>(StringComparer.Ordinal);
                foreach (var row in rows.Where(r => r.SubjectId == subject.Id))
                {
                    var value = SubjectKeys.Decrypt(dataKey, subject.Id, row.Type, row.Ciphertext);
                    hashes.Add(row.Type == IdentityType.HashedEmail ? value : IdentityNormalisation.HashOf(new Identity(IdentityType.Email, value)).Value);
                }
                foreach (var hash in hashes.Order(StringComparer.Ordinal))
                {
                    tally.Exported++;
                    yield return hash;
                }
            }
        }
    }
}

/// <summary>Counts kept while an export streams, for its audit entry (also when the caller stops reading half-way).</summary>
internal sealed class AudienceTally
{
    public int Exported { get; set; }
    public int Considered { get; set; }
    public int WithoutJurisdiction { get; set; }
}

using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Consent;
using Steward.People;
using Steward.Storage;

namespace Steward.Marketing;

/// <summary>
/// The addresses that must not be contacted on a channel, for mail senders: people whose standing choice for
/// <c>channel:KEY</c> is denied or withdrawn, each as the SHA-256 of the normalised email address (lower-case hex), the form
/// mail and advertising platforms match on. Streamed: consent events are read in order of person and the addresses of
/// 500 people at a time, so memory does not grow with the list.
/// </summary>
internal sealed class SuppressionList(IDbContextFactory<StewardDbContext> contexts, SubjectKeys keys, AuditLog audit)
{
    private const int BatchSize = 500;

    /// <summary>Writes one hash per line to <paramref name="output"/> and returns how many; audited with the count.</summary>
    public async Task<int> WriteAsync(string channel, TextWriter output, string actor, CancellationToken ct)
    {
        var key = ConsentKeys.ChannelPrefix + channel;
        var count = 0;
        var stopped = new List<Guid>(BatchSize);
        var events = new List<ConsentEvent>();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var rows = db.Set<ConsentEvent>().AsNoTracking().Where(e => e.Key == key).OrderBy(e => e.SubjectId)
                .Select(e => new ConsentEvent
                {
                    Id = e.Id, SubjectId = e.SubjectId, Key = e.Key, Choice = e.Choice, OccurredAt = e.OccurredAt, RecordedAt = e.RecordedAt, Jurisdiction = "",
                })
                .AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(ct))
            {
                if (events.Count > 0 && events[0].SubjectId != row.SubjectId) count += await NextPersonAsync();
                events.Add(row);
            }
            if (events.Count > 0) count += await NextPersonAsync();
        }
        count += await WriteHashesAsync(stopped, output, ct);
        await output.FlushAsync(ct);
        await audit.AppendAsync(new AuditEvent(actor, "consent.suppression-listed", key, new { hashes = count }), ct);
        return count;

        // One person's events are complete: note them if their standing choice stops the channel, and write a full batch.
        async Task<int> NextPersonAsync()
        {
            if (ConsentLedger.Standing(events).Single().Choice != ConsentChoice.Granted) stopped.Add(events[0].SubjectId);
            events.Clear();
            if (stopped.Count < BatchSize) return 0;
            var written = await WriteHashesAsync(stopped, output, ct);
            stopped.Clear();
            return written;
        }
    }

    /// <summary>The hashed email addresses of <paramref name="subjects"/> (email identities hashed, hashed-email identities as they are); erased people have none.</summary>
    private async Task<int> WriteHashesAsync(List<Guid> subjects, TextWriter output, CancellationToken ct)
    {
        if (subjects.Count == 0) return 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        var people = await db.Set<DataSubject>().AsNoTracking().Where(s => subjects.Contains(s.Id)).ToListAsync(ct);
        var identities = (await db.Set<SubjectIdentity>().AsNoTracking()
            .Where(i => subjects.Contains(i.SubjectId) && (i.Type == IdentityType.Email || i.Type == IdentityType.HashedEmail)).ToListAsync(ct))
            .ToLookup(i => i.SubjectId);
        var written = 0;
        foreach (var person in people)
        {
            if (!identities.Contains(person.Id) || await keys.OpenAsync(person, ct) is not { } dataKey) continue;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var identity in identities[person.Id])
            {
                var value = SubjectKeys.Decrypt(dataKey, person.Id, identity.Type, identity.Ciphertext);
                var hash = identity.Type == IdentityType.Email ? IdentityNormalisation.HashOf(new Identity(IdentityType.Email, value)).Value : value;
                if (!seen.Add(hash)) continue;
                await output.WriteAsync(hash.AsMemory(), ct);
                await output.WriteAsync('\n');
                written++;
            }
        }
        await output.FlushAsync(ct);
        return written;
    }
}

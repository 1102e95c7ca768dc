using Microsoft.EntityFrameworkCore;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>The outcome of recomputing the chain: how many entries held, and the first that did not.</summary>
public sealed record AuditVerification(long Entries, long? BrokenAt, string? Problem)
{
    public bool Ok => BrokenAt is null;
}

/// <summary>Recomputes the hash chain from the first entry to the last.</summary>
public sealed class AuditVerifier(IDbContextFactory<StewardDbContext> contexts)
{
    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        long expected = 1;
        var previous = AuditLog.GenesisHash;
        await foreach (var e in db.AuditEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Sequence != expected)
                return new(expected - 1, expected, e.Sequence > expected
                    ? $"entries {expected}..{e.Sequence - 1} are missing"
                    : $"entry {e.Sequence} appears out of order");
            if (!string.Equals(e.PreviousHash, previous, StringComparison.Ordinal))
                return new(expected - 1, e.Sequence, $"entry {e.Sequence} does not link to entry {e.Sequence - 1} (previous hash differs)");
            if (!string.Equals(AuditLog.ComputeHash(e), e.Hash, StringComparison.Ordinal))
                return new(expected - 1, e.Sequence, $"entry {e.Sequence} was altered (its content does not match its hash)");
            previous = e.Hash;
            expected++;
        }
        return new(expected - 1, null, null);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Steward.Security.Keys;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>
/// Entries written before the log was authenticated (schema before AuditChain) carry only a SHA-256 chain,
/// which anyone could recompute. At the first start after the upgrade they are checked against that chain
/// and, if it holds, sealed: each gets its entry MAC and goes back to the chainer, in its old order, and an
/// <c>audit.legacy-sealed</c> entry records how many and the old chain's last hash. From then on they are
/// covered like any other entry; before then nothing stronger than the old chain ever protected them.
/// A broken old chain is left as it is, so <c>audit verify</c> reports those entries.
/// </summary>
internal static partial class AuditLegacySeal
{
    public static async Task<int> SealAsync(IDbContextFactory<StewardDbContext> contexts, ManagedKey key, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!await db.AuditEntries.AnyAsync(e => e.KeyVersion == 0, ct)) return 0;
        // Only a log that was never authenticated is sealed, once. Unauthenticated rows beside authenticated ones were
        // written into the database by someone else: sealing them would launder them; verify reports them instead.
        if (await db.AuditEntries.AnyAsync(e => e.KeyVersion != 0, ct))
        {
            LogRefused(logger);
            return 0;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var legacy = await db.AuditEntries.Where(e => e.KeyVersion == 0).OrderBy(e => e.Sequence).ToListAsync(ct);
        if (legacy.Count == 0) return 0;
        var previous = AuditEntryEncoding.GenesisHash;
        long expected = 0;
        foreach (var e in legacy)
        {
            if (e.Sequence != ++expected || e.PreviousHash != previous || e.Hash != LegacyHash(e))
            {
                LogBroken(logger, expected);
                return 0;
            }
            previous = e.Hash!;
        }
        foreach (var e in legacy)
        {
            e.KeyVersion = key.Version;
            e.EntryMac = AuditEntryEncoding.EntryMac(e, key.Material);
            e.Sequence = null;
            e.PreviousHash = null;
            e.Hash = null;
        }
        var sealedEntry = new AuditEntry
        {
            EntryId = Guid.NewGuid(),
            Timestamp = AuditEntryEncoding.TruncateToMicroseconds(time.GetUtcNow()),
            Actor = "system",
            Action = "audit.legacy-sealed",
            Target = "audit",
            Details = $"{{\"entries\":{legacy.Count},\"legacyHead\":\"{previous}\"}}",
            KeyVersion = key.Version,
            EntryMac = "",
        };
        sealedEntry.EntryMac = AuditEntryEncoding.EntryMac(sealedEntry, key.Material);
        db.AuditEntries.Add(sealedEntry);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        LogSealed(logger, legacy.Count);
        return legacy.Count;
    }

    /// <summary>The hash of the schema before AuditChain: SHA-256 over every field, each length-prefixed.</summary>
    internal static string LegacyHash(AuditEntry e)
    {
        var sb = new StringBuilder();
        void Field(string value) => sb.Append(value.Length).Append(':').Append(value).Append('\n');
        Field(e.Sequence!.Value.ToString(CultureInfo.InvariantCulture));
        Field(e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Field(e.Actor);
        Field(e.Action);
        Field(e.Target);
        Field(e.Details);
        Field(e.PreviousHash ?? "");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Sealed {Count} audit entries written before the log was authenticated")]
    private static partial void LogSealed(ILogger logger, int count);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "The audit log holds entries without a MAC beside authenticated ones; they are not sealed, and 'steward audit verify' reports them")]
    private static partial void LogRefused(ILogger logger);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Error, Message = "The audit entries written before the log was authenticated break their old hash chain at position {Position}; they are left unsealed for 'steward audit verify' to report")]
    private static partial void LogBroken(ILogger logger, long position);
}

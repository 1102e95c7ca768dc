using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Storage;

namespace Steward.Security;

/// <summary>
/// Console users as audited records: role and whether disabled. (Sign-in bookkeeping such as failed
/// attempts changes without an audit entry of the user's state, so it is left out.)
/// </summary>
internal sealed class StaffUserAuditedRecords : IAuditedRecords
{
    public string TargetPrefix => "user:";

    public static string Digest(StaffUser u) => AuditedRecordDigest.Of(u.Id.ToString("D"), u.Role, u.DisabledAt is null ? "active" : "disabled");

    public async IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var u in db.Users.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            yield return new AuditedRecord($"user:{u.Id}", Digest(u));
    }
}

/// <summary>API keys as audited records: name, role, key hash and whether revoked.</summary>
internal sealed class ApiKeyAuditedRecords : IAuditedRecords
{
    public string TargetPrefix => "key:";

    public static string Digest(ApiKey k) => AuditedRecordDigest.Of(k.Id.ToString("D"), k.Name, k.Role, k.KeyHash, k.RevokedAt is null ? "active" : "revoked");

    public async IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var k in db.ApiKeys.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            yield return new AuditedRecord($"key:{k.Name}", Digest(k));
    }
}

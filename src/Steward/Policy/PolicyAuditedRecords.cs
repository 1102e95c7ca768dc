using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Steward.Audit;
using Steward.Storage;

namespace Steward.Policy;

/// <summary>
/// Published versions as audited records: the digest covers the SHA-256 recomputed from the stored
/// content, the stored content hash, the effective date and the significance, so editing any of them
/// in the database makes <c>audit verify</c> name <c>policy:N</c>.
/// </summary>
internal sealed class PolicyAuditedRecords : IAuditedRecords
{
    public string TargetPrefix => "policy:";

    public static string Target(int version) => $"policy:{version.ToString(CultureInfo.InvariantCulture)}";

    public static string Digest(PolicyVersion v) => AuditedRecordDigest.Of(
        PolicyStore.Hash(v.Content), v.ContentHash, v.EffectiveDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), v.Significant ? "significant" : "minor");

    public async IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var v in db.PolicyVersions.AsNoTracking().OrderBy(v => v.Version).AsAsyncEnumerable().WithCancellation(ct))
            yield return new AuditedRecord(Target(v.Version), Digest(v));
    }
}

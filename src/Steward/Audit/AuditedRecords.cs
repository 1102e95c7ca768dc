using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Steward.Storage;

namespace Steward.Audit;

/// <summary>A record's current state, reduced to a digest, under the target name its audit entries use.</summary>
internal sealed record AuditedRecord(string Target, string Digest);

/// <summary>
/// A feature whose records change only through audited operations. Each such operation puts the
/// record's digest after the change into its audit entry (<c>digest</c> in the details, see
/// <see cref="AuditedRecordDigest"/>); <c>audit verify</c> recomputes the digest of every current row and
/// compares it with the newest audited one, so a row changed, added or removed outside Steward is named.
/// Register with <c>services.AddSingleton&lt;IAuditedRecords, X&gt;()</c>.
/// </summary>
internal interface IAuditedRecords
{
    /// <summary>The start of every target this feature owns, e.g. <c>policy:</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>Every current record with its digest, computed from the stored row as it is now.</summary>
    IAsyncEnumerable<AuditedRecord> CurrentAsync(StewardDbContext db, CancellationToken ct);
}

/// <summary>How a record's state becomes the digest an audit entry carries.</summary>
internal static class AuditedRecordDigest
{
    /// <summary>Name of the details property that carries the digest.</summary>
    public const string DetailName = "digest";

    /// <summary>The digest an entry records when its record was deleted on purpose.</summary>
    public const string Absent = "absent";

    /// <summary>SHA-256 over the fields, each length-prefixed so values cannot bleed into each other.</summary>
    public static string Of(params ReadOnlySpan<string> fields)
    {
        var sb = new StringBuilder();
        foreach (var f in fields) sb.Append(f.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(f).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}

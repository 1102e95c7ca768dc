using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Steward.Audit;

/// <summary>
/// The bytes the MACs and the Merkle tree cover. Every field is length-prefixed so fields cannot bleed
/// into each other, and each use has its own label so one MAC can never stand in for another.
/// </summary>
internal static class AuditEntryEncoding
{
    /// <summary>What the first entry points back to.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>HMAC of the event as the writer knows it (no chain position yet).</summary>
    public static string EntryMac(AuditEntry e, byte[] key) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, EventBytes(e)));

    /// <summary>HMAC linking the entry to its position and to the entry before it.</summary>
    public static string ChainMac(long sequence, string entryMac, string previousHash, byte[] key)
    {
        var sb = new StringBuilder("steward-audit-chain/v1\n");
        Field(sb, sequence.ToString(CultureInfo.InvariantCulture));
        Field(sb, entryMac);
        Field(sb, previousHash);
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>RFC 6962 leaf hash: SHA-256(0x00 || entry bytes) over the whole chained entry.</summary>
    public static byte[] LeafHash(AuditEntry e)
    {
        var sb = new StringBuilder("steward-audit-leaf/v1\n");
        Field(sb, (e.Sequence ?? 0).ToString(CultureInfo.InvariantCulture));
        Field(sb, Encoding.UTF8.GetString(EventBytes(e)));
        Field(sb, e.EntryMac);
        Field(sb, e.PreviousHash ?? "");
        Field(sb, e.Hash ?? "");
        var body = Encoding.UTF8.GetBytes(sb.ToString());
        var input = new byte[body.Length + 1];
        body.CopyTo(input, 1);
        return SHA256.HashData(input);
    }

    /// <summary>PostgreSQL keeps microseconds; the MAC must see what the database gives back.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset t) =>
        new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);

    private static byte[] EventBytes(AuditEntry e)
    {
        var sb = new StringBuilder("steward-audit-entry/v1\n");
        Field(sb, e.EntryId.ToString("D"));
        Field(sb, e.Timestamp.UtcTicks.ToString(CultureInfo.InvariantCulture));
        Field(sb, e.Actor);
        Field(sb, e.Action);
        Field(sb, e.Target);
        Field(sb, e.Details);
        Field(sb, e.KeyVersion.ToString(CultureInfo.InvariantCulture));
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void Field(StringBuilder sb, string value) => sb.Append(value.Length).Append(':').Append(value).Append('\n');
}

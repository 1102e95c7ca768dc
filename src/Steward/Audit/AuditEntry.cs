namespace Steward.Audit;

/// <summary>
/// One audit entry. A writer inserts it unchained (no <see cref="Sequence"/>), authenticated on its own
/// by <see cref="EntryMac"/>; the chainer later gives it its place in the chain once and for all.
/// </summary>
internal sealed class AuditEntry
{
    /// <summary>Insertion id from the database: orders insertions, not commits, and has gaps after rollbacks.</summary>
    public long Id { get; set; }
    /// <summary>Random id bound into the MAC, so a copied row cannot pass for a second event.</summary>
    public Guid EntryId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    /// <summary>Who: <c>user:{id}</c>, <c>key:{name}</c>, <c>cli</c> or <c>system</c>; never an email.</summary>
    public required string Actor { get; set; }
    /// <summary>What happened, e.g. <c>security.sign-in.failed</c>.</summary>
    public required string Action { get; set; }
    /// <summary>What it happened to, e.g. <c>user:{id}</c> or <c>policy:3</c>.</summary>
    public required string Target { get; set; }
    /// <summary>Compact JSON with the facts of the event.</summary>
    public required string Details { get; set; }
    /// <summary>Version of the <c>audit.mac</c> key both MACs of this entry use.</summary>
    public int KeyVersion { get; set; }
    /// <summary>HMAC-SHA256 of the event itself, written by the writer in its own transaction.</summary>
    public required string EntryMac { get; set; }
    /// <summary>Position in the chain (1, 2, ...); null until chained.</summary>
    public long? Sequence { get; set; }
    /// <summary>The chain MAC of the entry before (zeros for the first); null until chained.</summary>
    public string? PreviousHash { get; set; }
    /// <summary>Chain MAC: HMAC-SHA256 over the position, the entry MAC and the previous chain MAC; null until chained.</summary>
    public string? Hash { get; set; }
}

namespace Steward.Audit;

/// <summary>One link of the hash chain. Rows are only ever inserted.</summary>
public sealed class AuditEntry
{
    public long Sequence { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    /// <summary>Who: <c>user:{id}</c>, <c>key:{name}</c>, <c>cli</c> or <c>system</c>; never an email.</summary>
    public required string Actor { get; set; }
    /// <summary>What happened, e.g. <c>security.sign-in.failed</c>.</summary>
    public required string Action { get; set; }
    /// <summary>What it happened to, e.g. <c>user:{id}</c> or <c>policy:3</c>.</summary>
    public required string Target { get; set; }
    /// <summary>Compact JSON with the facts of the event.</summary>
    public required string Details { get; set; }
    public required string PreviousHash { get; set; }
    public required string Hash { get; set; }
}

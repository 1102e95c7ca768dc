namespace Steward.Policy;

/// <summary>An immutable published version of the policy. Entity; never leaves the process.</summary>
internal sealed class PolicyVersion
{
    public int Version { get; set; }
    /// <summary>SHA-256 of the canonical JSON of the policy model.</summary>
    public required string ContentHash { get; set; }
    /// <summary>The policy as canonical JSON (the model, not the YAML text, so diffs compare meaning).</summary>
    public required string Content { get; set; }
    public DateOnly EffectiveDate { get; set; }
    public bool Significant { get; set; }
    public string? Summary { get; set; }
    public DateTimeOffset PublishedAt { get; set; }
    public required string PublishedBy { get; set; }
}

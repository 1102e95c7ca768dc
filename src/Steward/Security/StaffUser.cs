namespace Steward.Security;

/// <summary>A person who signs in to the console. Entity; never leaves the process.</summary>
internal sealed class StaffUser
{
    public Guid Id { get; set; }
    public required string Email { get; set; }
    public required string NormalizedEmail { get; set; }
    public required string PasswordHash { get; set; }
    public required string Role { get; set; }
    /// <summary>Password checks taken in the window that began at <see cref="FailureWindowStart"/> (reset by a success).</summary>
    public int FailedSignIns { get; set; }
    public DateTimeOffset? FailureWindowStart { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>A key for machine callers; only the SHA-256 of the key is stored.</summary>
internal sealed class ApiKey
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

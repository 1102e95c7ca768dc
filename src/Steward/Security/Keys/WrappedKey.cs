using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Security.Keys;

/// <summary>
/// A key Steward keeps, stored only wrapped (AES-256-GCM) by the key-encryption key, which never
/// enters the database. Entity; never leaves the process.
/// </summary>
internal sealed class WrappedKey
{
    public Guid Id { get; set; }
    /// <summary>What the key is for, e.g. <c>audit.mac</c>, <c>data-protection</c>, <c>people.subject-keys</c> (which wraps each person's data key).</summary>
    public required string Purpose { get; set; }
    public int Version { get; set; }
    /// <summary>Which key-encryption key wrapped it (<see cref="KeyEncryptionKey.Id"/>), so rotation knows what to re-wrap.</summary>
    public required string WrappedBy { get; set; }
    /// <summary>Nonce (12 bytes), tag (16 bytes) and ciphertext.</summary>
    public required byte[] Material { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Set when a newer version replaces it: still used to read, never to write.</summary>
    public DateTimeOffset? RetiredAt { get; set; }
}

internal sealed class WrappedKeyConfiguration : IEntityTypeConfiguration<WrappedKey>
{
    public void Configure(EntityTypeBuilder<WrappedKey> e)
    {
        e.ToTable("wrapped_keys");
        e.HasKey(x => x.Id);
        e.Property(x => x.Purpose).HasMaxLength(200);
        e.HasIndex(x => new { x.Purpose, x.Version }).IsUnique();
        e.Property(x => x.WrappedBy).HasMaxLength(16);
        e.Property(x => x.Material).HasMaxLength(12 + 16 + 64);
    }
}

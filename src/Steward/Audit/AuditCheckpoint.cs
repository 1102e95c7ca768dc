using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Audit;

/// <summary>A signed Merkle tree head over the first <see cref="TreeSize"/> chained entries. Entity.</summary>
internal sealed class AuditCheckpoint
{
    public long Id { get; set; }
    public long TreeSize { get; set; }
    /// <summary>RFC 6962 Merkle tree hash of the first <see cref="TreeSize"/> entries, hex.</summary>
    public required string RootHash { get; set; }
    /// <summary>Whole seconds, so the signed text can be rebuilt from the exported JSON.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Version of the <c>audit.signing</c> key.</summary>
    public int KeyVersion { get; set; }
    /// <summary>Ed25519 public key, base64.</summary>
    public required string PublicKey { get; set; }
    /// <summary>Ed25519 signature over the text of <c>AuditCheckpoints.SignedText</c>, base64.</summary>
    public required string Signature { get; set; }
    /// <summary>
    /// <see cref="MerkleTree.Frontier"/> of the first <see cref="TreeSize"/> entries, so the next checkpoint extends the tree
    /// instead of rebuilding it. Not signed: trusted only once it reproduces <see cref="RootHash"/>. Null on checkpoints signed
    /// before it was kept.
    /// </summary>
    public string? Frontier { get; set; }
    /// <summary>Chain MAC of entry <see cref="TreeSize"/>, which the next entry must link to; set with <see cref="Frontier"/>.</summary>
    public string? LastHash { get; set; }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> e)
    {
        e.ToTable("audit_checkpoints");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedOnAdd();
        e.HasIndex(x => x.TreeSize);
        e.Property(x => x.RootHash).HasMaxLength(64);
        e.Property(x => x.PublicKey).HasMaxLength(64);
        e.Property(x => x.Signature).HasMaxLength(128);
        e.Property(x => x.LastHash).HasMaxLength(64);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.People.Erasures;

/// <summary>
/// What is left of an erased subject: its id, when, and the blind indexes its identities had; nothing that can be read.
/// Replayed after a restore so a backup cannot bring the person back, and compared with new identities to flag a comeback.
/// Entity; never leaves the process.
/// </summary>
internal sealed class ErasureTombstone
{
    public Guid Id { get; set; }
    public Guid SubjectId { get; set; }
    public DateTimeOffset ErasedAt { get; set; }
}

/// <summary>One blind index an erased subject's identity had: type, key version and HMAC. Entity.</summary>
internal sealed class ErasureTombstoneHash
{
    public Guid Id { get; set; }
    public Guid TombstoneId { get; set; }
    public IdentityType Type { get; set; }
    public int Version { get; set; }
    public required byte[] Hash { get; set; }
}

/// <summary>
/// A new subject, or a value in a connected database, whose identity matches a tombstone: perhaps the erased person came
/// back (consented again, was imported, was entered again in a company system). For staff to decide; nothing is erased on
/// a comeback. Ids and places only. Entity.
/// </summary>
internal sealed class ComebackFinding
{
    public Guid Id { get; set; }
    /// <summary>The new subject, for a comeback in Steward; null for one in a connected database.</summary>
    public Guid? SubjectId { get; set; }
    /// <summary>Where a connected database holds the identity again: <c>connection:collection.field</c>; null in Steward.</summary>
    public string? Location { get; set; }
    public Guid TombstoneId { get; set; }
    public IdentityType Type { get; set; }
    public DateTimeOffset FoundAt { get; set; }
}

internal sealed class ErasureTombstoneConfiguration : IEntityTypeConfiguration<ErasureTombstone>
{
    public void Configure(EntityTypeBuilder<ErasureTombstone> e)
    {
        e.ToTable("erasure_tombstones");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.HasIndex(x => x.SubjectId);
        e.Property(x => x.ErasedAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(v, TimeSpan.Zero));
    }
}

internal sealed class ErasureTombstoneHashConfiguration : IEntityTypeConfiguration<ErasureTombstoneHash>
{
    public void Configure(EntityTypeBuilder<ErasureTombstoneHash> e)
    {
        e.ToTable("erasure_tombstone_hashes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Type).HasMaxLength(16).HasConversion(t => IdentityTypes.Name(t), s => ParseType(s));
        e.Property(x => x.Hash).HasMaxLength(32);
        e.HasIndex(x => new { x.Type, x.Hash });
        e.HasIndex(x => x.Version);
        e.HasOne<ErasureTombstone>().WithMany().HasForeignKey(x => x.TombstoneId).OnDelete(DeleteBehavior.Cascade);
    }

    internal static IdentityType ParseType(string name) =>
        IdentityTypes.TryParse(name, out var type) ? type : throw new InvalidOperationException("A stored tombstone has an unknown identity type.");
}

internal sealed class ComebackFindingConfiguration : IEntityTypeConfiguration<ComebackFinding>
{
    public void Configure(EntityTypeBuilder<ComebackFinding> e)
    {
        e.ToTable("erasure_comeback_findings");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Type).HasMaxLength(16).HasConversion(t => IdentityTypes.Name(t), s => ErasureTombstoneHashConfiguration.ParseType(s));
        e.Property(x => x.FoundAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(v, TimeSpan.Zero));
        e.Property(x => x.Location).HasMaxLength(400);
        e.HasIndex(x => new { x.SubjectId, x.TombstoneId }).IsUnique();
        // One finding per tombstone and place (a null place, a finding in Steward, is keyed by its subject above).
        e.HasIndex(x => new { x.TombstoneId, x.Location }).IsUnique();
        e.HasIndex(x => x.FoundAt);
    }
}

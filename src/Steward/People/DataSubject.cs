using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.People;

/// <summary>
/// A person Steward knows through one or more identities. Holds the person's data key, wrapped by the key ring;
/// every value stored about the person is encrypted with it, so destroying it erases them all. Entity; never leaves the process.
/// </summary>
internal sealed class DataSubject
{
    public Guid Id { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Key of the law that applies to the person (a key of the jurisdiction rule pack), when known.</summary>
    public string? Jurisdiction { get; set; }
    /// <summary>The data key: nonce (12), tag (16) and 32 encrypted bytes under <see cref="SubjectKeys.WrappingPurpose"/>. Null once destroyed.</summary>
    public byte[]? WrappedDataKey { get; set; }
    /// <summary>Version of the key-ring key that wrapped <see cref="WrappedDataKey"/>.</summary>
    public int WrappingKeyVersion { get; set; }
    /// <summary>When the data key was destroyed: nothing encrypted for this person can be read any more.</summary>
    public DateTimeOffset? ErasedAt { get; set; }
    /// <summary>The subject this one was merged into (a cookie's visitor who signed in); its identities and history moved there.</summary>
    public Guid? MergedIntoId { get; set; }
    /// <summary>The birth date the person stated (or the latest one consistent with a stated age), sealed with the data key; see <see cref="BirthDates"/>.</summary>
    public byte[]? BirthDate { get; set; }
}

/// <summary>
/// One identifier of a subject. Found by its blind index (a keyed HMAC of type and normalised value), read only by
/// decrypting <see cref="Ciphertext"/> with the subject's data key. Entity; never leaves the process.
/// </summary>
internal sealed class SubjectIdentity
{
    public Guid Id { get; set; }
    public Guid SubjectId { get; set; }
    public IdentityType Type { get; set; }
    /// <summary>HMAC-SHA256 of type and normalised value under <see cref="BlindIndex.Purpose"/>: unique per type.</summary>
    public required byte[] BlindIndex { get; set; }
    /// <summary>Version of the blind-index key that computed <see cref="BlindIndex"/>, so the key can be rotated.</summary>
    public int BlindIndexVersion { get; set; }
    /// <summary>AES-256-GCM of the normalised value under the subject's data key: nonce (12), tag (16), ciphertext; bound to subject and type.</summary>
    public required byte[] Ciphertext { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the identity was last used to find its subject (updated at most once an hour).</summary>
    public DateTimeOffset LastSeenAt { get; set; }
}

internal sealed class DataSubjectConfiguration : IEntityTypeConfiguration<DataSubject>
{
    public void Configure(EntityTypeBuilder<DataSubject> e)
    {
        e.ToTable("data_subjects");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Jurisdiction).HasMaxLength(PeopleDirectory.MaxJurisdictionLength);
        e.Property(x => x.WrappedDataKey).HasMaxLength(SubjectKeys.WrappedSize);
        e.Property(x => x.BirthDate).HasMaxLength(Sealed.Overhead + sizeof(int));
    }
}

internal sealed class SubjectIdentityConfiguration : IEntityTypeConfiguration<SubjectIdentity>
{
    public void Configure(EntityTypeBuilder<SubjectIdentity> e)
    {
        e.ToTable("subject_identities");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Type).HasMaxLength(16).HasConversion(t => IdentityTypes.Name(t), s => Parse(s));
        e.Property(x => x.BlindIndex).HasMaxLength(32);
        // The arbiter when two requests create the same identity at once: one insert wins, the other reads it.
        e.HasIndex(x => new { x.Type, x.BlindIndex }).IsUnique();
        e.HasIndex(x => x.SubjectId);
        e.HasOne<DataSubject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Cascade);
    }

    private static IdentityType Parse(string name) =>
        IdentityTypes.TryParse(name, out var type) ? type : throw new InvalidOperationException("A stored identity has an unknown type.");
}

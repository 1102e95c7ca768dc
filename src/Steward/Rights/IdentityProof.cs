using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Rights;

/// <summary>
/// A verification code sent to the address a request gave. Only its HMAC is stored, keyed with the subject's data key,
/// so neither the table nor a copy of it gives the code away, and erasing the person shreds it. A code lives
/// <see cref="Lifetime"/>, takes at most <see cref="MaxAttempts"/> tries, and works once. Entity.
/// </summary>
internal sealed class VerificationChallenge
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);
    public const int MaxAttempts = 5;
    public const int CodeLength = 6;

    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    public required byte[] CodeHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    /// <summary>Wrong codes entered; at <see cref="MaxAttempts"/> the code is locked.</summary>
    public int Attempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>Six random digits, uniformly drawn.</summary>
    public static string NewCode() => RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] Hash(byte[] dataKey, Guid challengeId, string code) =>
        HMACSHA256.HashData(dataKey, Encoding.UTF8.GetBytes($"steward-verification-code\n{challengeId:D}\n{code}"));
}

/// <summary>
/// A copy of an identity document a person uploaded for a method with <c>photo_id</c>, sealed with the subject's data
/// key and bound to the request. Deleted at the decision where the method says <c>delete_after_verification</c>. Entity.
/// </summary>
internal sealed class VerificationDocument
{
    public Guid Id { get; set; }
    public Guid RequestId { get; set; }
    /// <summary>Key of the policy's verification method the document is for.</summary>
    public required string Method { get; set; }
    /// <summary>The image type found in its first bytes (image/jpeg, image/png, image/webp), not the one the client claimed.</summary>
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public DateTimeOffset UploadedAt { get; set; }
    /// <summary>The image, sealed (AES-256-GCM) with the subject's data key.</summary>
    public required byte[] Content { get; set; }

    public static byte[] Seal(byte[] dataKey, Guid subjectId, Guid documentId, ReadOnlySpan<byte> image) =>
        People.Sealed.Seal(dataKey, image, Associated(subjectId, documentId));

    public static byte[] Open(byte[] dataKey, Guid subjectId, VerificationDocument document) =>
        People.Sealed.Open(dataKey, document.Content, Associated(subjectId, document.Id));

    private static byte[] Associated(Guid subjectId, Guid documentId) => Encoding.UTF8.GetBytes($"steward-verification-document\n{documentId:D}\n{subjectId:D}");

    /// <summary>The image type its first bytes announce, or null when it is not a JPEG, PNG or WebP image.</summary>
    public static string? ImageType(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((byte[])[0xFF, 0xD8, 0xFF])) return "image/jpeg";
        if (head.StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        return null;
    }
}

internal sealed class VerificationChallengeConfiguration : IEntityTypeConfiguration<VerificationChallenge>
{
    public void Configure(EntityTypeBuilder<VerificationChallenge> e)
    {
        e.ToTable("rights_verification_codes");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.CodeHash).HasMaxLength(32);
        e.HasIndex(x => new { x.RequestId, x.CreatedAt });
        e.HasOne<RightsRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class VerificationDocumentConfiguration : IEntityTypeConfiguration<VerificationDocument>
{
    public void Configure(EntityTypeBuilder<VerificationDocument> e)
    {
        e.ToTable("rights_verification_documents");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Method).HasMaxLength(64);
        e.Property(x => x.ContentType).HasMaxLength(32);
        e.HasIndex(x => x.RequestId);
        e.HasOne<RightsRequest>().WithMany().HasForeignKey(x => x.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Steward.People;

namespace Steward.Retention;

/// <summary>
/// A legal hold: while it is in force, retention and erasure leave what it covers alone — one person (everything Steward
/// and the connected databases hold about them) or one collection of a connected database. It ends when released or at
/// <see cref="Until"/>. The reason is told to a person whose erasure request meets the hold. Entity; never leaves the process.
/// </summary>
internal sealed class LegalHold
{
    public Guid Id { get; set; }
    /// <summary>The person held; null for a collection's hold.</summary>
    public Guid? SubjectId { get; set; }
    /// <summary>The connection and collection held; null for a person's hold.</summary>
    public string? Connection { get; set; }
    public string? Collection { get; set; }
    public required string Reason { get; set; }
    /// <summary>The first moment the hold no longer applies; null while it lasts until released.</summary>
    public DateTimeOffset? Until { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? ReleasedAt { get; set; }
    public string? ReleasedBy { get; set; }

    public bool InForceAt(DateTimeOffset now) => ReleasedAt is null && (Until is null || Until > now);

    /// <summary>A hold's last day (UTC) as its <see cref="Until"/>: the first moment after it, so the whole day is held.</summary>
    public static DateTimeOffset UntilAfter(DateOnly lastDay) => new(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>The last day a hold ending at <paramref name="until"/> covers.</summary>
    public static DateOnly LastDayOf(DateTimeOffset until) => DateOnly.FromDateTime(until.UtcDateTime.AddDays(-1));
}

internal sealed class LegalHoldConfiguration : IEntityTypeConfiguration<LegalHold>
{
    public void Configure(EntityTypeBuilder<LegalHold> e)
    {
        e.ToTable("legal_holds");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.Connection).HasMaxLength(100);
        e.Property(x => x.Collection).HasMaxLength(200);
        e.Property(x => x.Reason).HasMaxLength(LegalHolds.MaxReasonLength);
        e.Property(x => x.CreatedBy).HasMaxLength(200);
        e.Property(x => x.ReleasedBy).HasMaxLength(200);
        // Compared in queries: stored as UTC date-times, which SQLite orders correctly.
        e.Property(x => x.Until).HasConversion(v => v.HasValue ? v.Value.UtcDateTime : (DateTime?)null,
            v => v.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(v.Value, DateTimeKind.Utc)) : null);
        e.Property(x => x.CreatedAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.ReleasedAt).HasConversion(v => v.HasValue ? v.Value.UtcDateTime : (DateTime?)null,
            v => v.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(v.Value, DateTimeKind.Utc)) : null);
        e.HasIndex(x => x.SubjectId);
        e.HasIndex(x => new { x.Connection, x.Collection });
        e.HasOne<DataSubject>().WithMany().HasForeignKey(x => x.SubjectId).OnDelete(DeleteBehavior.Restrict);
    }
}

using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Retention;

/// <summary>
/// A sweep of connected data, persisted so that a killed run resumes with the cutoffs fixed at its start: its steps
/// (one per collection and action) with how far each got. Entity; never leaves the process.
/// </summary>
internal sealed class RetentionRun
{
    public const string Running = "running";
    public const string Finished = "finished";

    public Guid Id { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public required string StartedBy { get; set; }
    /// <summary>What the run covers: <c>*</c>, a connection, or <c>connection/collection</c>.</summary>
    public required string Scope { get; set; }
    public required string State { get; set; }
    /// <summary>The steps as JSON (<see cref="SweepStep"/>), with their progress.</summary>
    public required string Steps { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>The process sweeping it now (host, process, a random part), while its claim holds.</summary>
    public string? Owner { get; set; }
    /// <summary>When the claim lapses unless its holder saves progress again.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public List<SweepStep> ReadSteps() => JsonSerializer.Deserialize<List<SweepStep>>(Steps, Json) ?? [];

    public static string WriteSteps(IEnumerable<SweepStep> steps) => JsonSerializer.Serialize(steps, Json);
}

internal sealed class RetentionRunConfiguration : IEntityTypeConfiguration<RetentionRun>
{
    public void Configure(EntityTypeBuilder<RetentionRun> e)
    {
        e.ToTable("retention_runs");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).ValueGeneratedNever();
        e.Property(x => x.StartedBy).HasMaxLength(200);
        e.Property(x => x.Scope).HasMaxLength(300);
        e.Property(x => x.State).HasMaxLength(16);
        e.HasIndex(x => new { x.State, x.Scope });
        // One running run per scope: two processes starting one at the same moment end with one.
        e.HasIndex(x => x.Scope).IsUnique().HasFilter("\"State\" = 'running'").HasDatabaseName("IX_retention_runs_running_scope");
        e.Property(x => x.Owner).HasMaxLength(200);
        e.Property(x => x.LeaseUntil).HasConversion(v => v.HasValue ? v.Value.UtcDateTime : (DateTime?)null,
            v => v.HasValue ? new DateTimeOffset(DateTime.SpecifyKind(v.Value, DateTimeKind.Utc)) : null);
        e.Property(x => x.StartedAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(v, TimeSpan.Zero));
    }
}

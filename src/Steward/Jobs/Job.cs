using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Steward.Jobs;

/// <summary>Where a job stands. Queued and failed jobs wait for their run-after time; running ones hold a lease.</summary>
public enum JobState
{
    /// <summary>Waiting for its first run.</summary>
    Queued,
    /// <summary>A node holds its lease and runs it.</summary>
    Running,
    Succeeded,
    /// <summary>The last attempt failed; it runs again after its back-off.</summary>
    Failed,
    /// <summary>Every attempt failed; only <c>steward jobs retry</c> runs it again.</summary>
    Dead,
}

/// <summary>A persisted background task (table <c>jobs</c>). Its payload carries ids, never personal data.</summary>
internal sealed class Job
{
    public Guid Id { get; set; }
    public required string Kind { get; set; }
    /// <summary>JSON, read by the handler.</summary>
    public required string Payload { get; set; }
    public JobState State { get; set; }
    /// <summary>Runs started so far (a run whose node died counts).</summary>
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }
    /// <summary>Not claimed before this time (back-off after a failure).</summary>
    public DateTimeOffset RunAfter { get; set; }
    /// <summary>The node that holds the lease while running (machine name, process id, random suffix).</summary>
    public string? LeaseOwner { get; set; }
    /// <summary>Another node may take a running job over once this has passed.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    /// <summary>Why the last attempt failed, short and without personal data.</summary>
    public string? LastError { get; set; }
    /// <summary>At most one open (queued, running, failed) job per key.</summary>
    public string? DedupKey { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>States that hold a dedup key and can still run.</summary>
    public static readonly JobState[] Open = [JobState.Queued, JobState.Running, JobState.Failed];

    public static string Name(JobState state) => state.ToString().ToLowerInvariant();
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> e)
    {
        e.ToTable("jobs");
        e.HasKey(x => x.Id);
        e.Property(x => x.Kind).HasMaxLength(100);
        e.Property(x => x.State).HasMaxLength(16)
            .HasConversion(v => v.ToString().ToLowerInvariant(), v => Enum.Parse<JobState>(v, true));
        e.Property(x => x.LeaseOwner).HasMaxLength(100);
        e.Property(x => x.LastError).HasMaxLength(500);
        e.Property(x => x.DedupKey).HasMaxLength(200);
        // Stored as UTC date-times so SQLite can compare and order them (it cannot with DateTimeOffset).
        e.Property(x => x.RunAfter).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.CreatedAt).HasConversion(v => v.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.LeaseExpiresAt).HasConversion(v => v!.Value.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        e.Property(x => x.FinishedAt).HasConversion(v => v!.Value.UtcDateTime, v => new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)));
        // The claim query: open jobs by run-after time.
        e.HasIndex(x => new { x.State, x.RunAfter });
        e.HasIndex(x => x.DedupKey).IsUnique()
            .HasFilter("\"DedupKey\" IS NOT NULL AND \"State\" IN ('queued', 'running', 'failed')")
            .HasDatabaseName("IX_jobs_DedupKey_open");
    }
}
